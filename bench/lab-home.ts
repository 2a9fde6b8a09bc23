/**
 * A throwaway lab for a benchmark: a new temporary KOVN_HOME, a random lab id (so its namespaces cannot clash with
 * another lab's), its layout, and `kovn` run against that home. The caller brings it up and takes it down.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labLayout, type LabLayout } from '../src/lab/layout.ts';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

export interface BenchLab {
  home: string;
  id: string;
  layout: LabLayout;
  kovn: (...args: string[]) => SpawnSyncReturns<string>;
}

/** `homePrefix` names the temporary directory, `idPrefix` (one letter) starts the lab id. */
export function benchLab(homePrefix: string, idPrefix: string): BenchLab {
  const home = mkdtempSync(join(tmpdir(), homePrefix));
  const id = `${idPrefix}${randomBytes(4).toString('hex')}`;
  const kovn = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, KOVN_HOME: home },
      encoding: 'utf8',
    });
  return { home, id, layout: labLayout(home, id), kovn };
}
