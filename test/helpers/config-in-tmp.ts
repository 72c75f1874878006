/** A copy of the default config in a temp dir, with the journal there too (CLI tests). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG_DIR } from '../../src/config/load-config.js';

export function configInTmp(prefix = 'lb-cli-'): { file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(DEFAULT_CONFIG_DIR, path.join(dir, 'config'), { recursive: true });
  const file = path.join(dir, 'config', 'default.json');
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  cfg.journal.dir = path.join(dir, 'journal');
  fs.writeFileSync(file, JSON.stringify(cfg));
  return { file, dir };
}
