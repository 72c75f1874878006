#!/usr/bin/env bash
# Applies the QA results schema (src/qa/store/qa-schema.sql) to a throw-away PostgreSQL
# server and writes one run into it, to show a department can point the same schema at
# PostgreSQL. Needs initdb/pg_ctl/psql on PATH (not installed by install-system-deps.sh).
# The server listens on a Unix socket only (no TCP). Run as root it runs the server as nobody.
set -euo pipefail
export PGOPTIONS='-c client_min_messages=warning'
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d /tmp/qa-pg-XXXXXX)"
chmod 777 "$dir"
as=(); [ "$(id -u)" = 0 ] && as=(runuser -u nobody --)
cleanup() { "${as[@]}" pg_ctl -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as[@]}" initdb -D "$dir/data" -A trust -U qa >/dev/null
"${as[@]}" pg_ctl -D "$dir/data" -l "$dir/log" -o "-c listen_addresses='' -k $dir -p 54329" -w start >/dev/null
cp "$root/src/qa/store/qa-schema.sql" "$dir/schema.sql"
psql=(psql -v ON_ERROR_STOP=1 -q -h "$dir" -p 54329 -U qa -d postgres)
"${as[@]}" "${psql[@]}" -f "$dir/schema.sql"
"${as[@]}" "${psql[@]}" -f "$dir/schema.sql"   # idempotent: IF NOT EXISTS
"${as[@]}" "${psql[@]}" <<'SQL'
INSERT INTO qa_run VALUES ('run-1', 'linac-1', '2026-11-26T16:00:00.000Z', '2026-11-26T16:01:00.000Z', 'dr-qa', 'linac-bridge 0.1.0', 'action');
INSERT INTO qa_check VALUES ('run-1', 'couch-accuracy', 'action', '{"translation":{"tolerance":2}}', '[]', 0.3, 'lateral');
INSERT INTO qa_item VALUES ('run-1', 'couch-accuracy', 'lateral', -19.4, -20, 0.6, 'mm', 'action');
SQL
"${as[@]}" "${psql[@]}" -At -c "SELECT r.machine, c.check_name, i.item_id, i.error, i.status FROM qa_item i JOIN qa_check c USING (run_id, check_name) JOIN qa_run r USING (run_id)"
if "${as[@]}" "${psql[@]}" -c "INSERT INTO qa_item VALUES ('run-1', 'couch-accuracy', 'pitch', 0, 0, 0, 'deg', 'maybe')" 2>/dev/null; then echo "status CHECK not enforced" >&2; exit 1; fi
echo "qa schema on PostgreSQL $("${as[@]}" "${psql[@]}" -At -c 'SHOW server_version'): ok"
