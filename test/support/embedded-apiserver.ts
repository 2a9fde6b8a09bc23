// Starts kovn's embedded API server (src/apiserver/server.ts) in a temporary directory for a test, and stops it and
// removes the directory after the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.ts';

/** Server tuning the tests use (see ApiServerOptions in src/apiserver/server.ts). */
export interface ServerTuning {
  /** Events kept for watch resumption; small values make 410 Gone easy to provoke. */
  eventWindow?: number;
}

export interface Lab {
  server: ApiServer;
  kubeConfig: KubeConfig;
  dataDir: string;
  /** Stops the server and starts it again on the same data directory and port. */
  restart(): Promise<void>;
  /** Registers a cleanup (e.g. stopping an informer) run before the server closes, last registered first. */
  defer(cleanup: () => Promise<void>): void;
}

interface TestLike {
  after(fn: () => Promise<void>): void;
}

/** Returns a running embedded API server, closed after the test. */
export async function embeddedApiServer(t: TestLike, tuning: ServerTuning = {}): Promise<Lab> {
  const start = (options: { dataDir: string; port?: number }): Promise<ApiServer> =>
    startApiServer({ ...options, ...tuning });
  const cleanups: (() => Promise<void>)[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'kovn-controller-it-'));
  const lab: Lab = {
    server: await start({ dataDir }),
    kubeConfig: new KubeConfig(),
    dataDir,
    async restart() {
      const port = Number(new URL(lab.server.url).port);
      await lab.server.close();
      lab.server = await start({ dataDir, port });
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
  lab.kubeConfig.loadFromFile(lab.server.kubeconfigPath);
  t.after(async () => {
    // Clients first: a client reconnecting while the server closes could keep it open.
    for (const cleanup of cleanups.reverse()) await cleanup();
    await lab.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return lab;
}

/** Polls `cond` until it holds or `ms` passes (real time: these tests talk to a real server). */
export async function eventually(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const { setTimeout: sleep } = await import('node:timers/promises');
  const start = performance.now();
  while (!(await cond())) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}
