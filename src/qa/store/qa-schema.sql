-- Machine-QA results (linac-bridge, docs/qa.md). Plain SQL that SQLite (the embedded
-- database) and PostgreSQL (a department's shared server) both accept: text ids made by
-- the application, ISO 8601 times, DOUBLE PRECISION measurements, CHECK-constrained statuses.
-- A department that outgrows one machine applies this file to PostgreSQL and points the
-- same writer at it.

CREATE TABLE IF NOT EXISTS qa_run (
  run_id       VARCHAR(64)  PRIMARY KEY,
  machine      VARCHAR(128) NOT NULL,
  started_at   VARCHAR(32)  NOT NULL,  -- ISO 8601 UTC, e.g. 2026-11-26T16:00:00.000Z (sorts as text)
  finished_at  VARCHAR(32)  NOT NULL,
  operator     VARCHAR(128) NOT NULL,
  software     VARCHAR(128) NOT NULL,
  status       VARCHAR(8)   NOT NULL CHECK (status IN ('pass', 'action', 'fail'))
);

CREATE TABLE IF NOT EXISTS qa_check (
  run_id          VARCHAR(64)  NOT NULL REFERENCES qa_run (run_id),
  check_name      VARCHAR(64)  NOT NULL,
  status          VARCHAR(8)   NOT NULL CHECK (status IN ('pass', 'action', 'fail')),
  tolerance_json  TEXT         NOT NULL,  -- the tolerance row(s) with their sources, as reported
  notes_json      TEXT         NOT NULL,
  -- the largest |error| / tolerance over the check's items (1 = at tolerance; a failed
  -- "functional" item, whose tolerance is 0, counts as 2): the trend plotted across runs
  worst_fraction  DOUBLE PRECISION NOT NULL,
  worst_item      VARCHAR(64),
  PRIMARY KEY (run_id, check_name)
);

CREATE TABLE IF NOT EXISTS qa_item (
  run_id      VARCHAR(64)      NOT NULL,
  check_name  VARCHAR(64)      NOT NULL,
  item_id     VARCHAR(64)      NOT NULL,  -- "A17", "lateral", "IL-DOOR-OPEN"
  measured    DOUBLE PRECISION NOT NULL,
  expected    DOUBLE PRECISION NOT NULL,
  error       DOUBLE PRECISION NOT NULL,
  unit        VARCHAR(16)      NOT NULL,
  status      VARCHAR(8)       NOT NULL CHECK (status IN ('pass', 'action', 'fail')),
  PRIMARY KEY (run_id, check_name, item_id),
  FOREIGN KEY (run_id, check_name) REFERENCES qa_check (run_id, check_name)
);

CREATE INDEX IF NOT EXISTS qa_run_machine_time ON qa_run (machine, started_at);
