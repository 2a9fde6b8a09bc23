/** Writes a whole file atomically (a temp file beside it, then a rename): a reader sees the old text or the new. */
import { renameSync, writeFileSync } from 'node:fs';

export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
