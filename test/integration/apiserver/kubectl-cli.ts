/**
 * Runs the real kubectl on PATH (or $KOVN_KUBECTL) against a test server of helpers.ts: its kubeconfig, a cache
 * dir and HOME inside the test's temporary dir. `kubectlAvailable` says whether there is one (tests skip without).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestServer } from './helpers.ts';

const run = promisify(execFile);
export const kubectlBin = process.env.KOVN_KUBECTL ?? 'kubectl';

export const kubectlAvailable = await run(kubectlBin, ['version', '--client'], { timeout: 20_000 }).then(
  () => true,
  () => false,
);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Kubectl = (...args: string[]) => Promise<KubectlResult>;

/** kubectl against `t()`, the current test server (a getter, as the server is started in `before`). */
export function kubectlFor(t: () => TestServer): Kubectl {
  return async (...args) => {
    const { server, dir } = t();
    try {
      const { stdout, stderr } = await run(
        kubectlBin,
        ['--kubeconfig', server.kubeconfigPath, '--cache-dir', join(dir, 'kubectl-cache'), ...args],
        { timeout: 60_000, env: { ...process.env, HOME: dir } },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return {
        code: typeof e.code === 'number' ? e.code : 1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      };
    }
  };
}

/** The output of a kubectl run that must succeed. */
export function ok(r: KubectlResult): string {
  assert.equal(r.code, 0, `kubectl failed: ${r.stderr}`);
  return r.stdout;
}

/** The column names of kubectl's table output. */
export function header(out: string): string[] {
  return (out.split('\n')[0] ?? '').trim().split(/\s{2,}/);
}
