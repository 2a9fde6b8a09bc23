/**
 * Harness for the CLI's integration tests: an embedded API server in a temporary directory (on a frozen clock, so
 * that AGE columns are the same for every client), and `kovn` (node src/cli/main.ts) and kubectl run as child
 * processes against its kubeconfig, with KUBECONFIG cleared and KOVN_HOME pointing into the temporary directory.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiServer, type ApiServer } from '../../../src/apiserver/server.ts';
import { FakeClock } from '../../../src/util/clock.ts';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
const main = join(repo, 'src/cli/main.ts');
export const kubectlPath = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliLab {
  server: ApiServer;
  clock: FakeClock;
  dir: string;
  kovn(...args: string[]): Promise<Run>;
  kubectl(...args: string[]): Promise<Run>;
  close(): Promise<void>;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: repo, env, timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export async function startCliLab(): Promise<CliLab> {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-cli-it-'));
  const clock = new FakeClock(Date.now());
  const server = await startApiServer({ dataDir: join(dir, 'api'), clock });
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: '', KOVN_HOME: join(dir, 'home') };
  return {
    server,
    clock,
    dir,
    kovn: (...args) => run(process.execPath, [main, ...args, '--kubeconfig', server.kubeconfigPath], env),
    kubectl: (...args) =>
      run(kubectlPath ?? 'kubectl', ['--kubeconfig', server.kubeconfigPath, ...args], env),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The lines of a command's output. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
