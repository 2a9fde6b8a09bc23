/**
 * Test support: real OVN databases in throwaway directories. `startNb()` gives a standalone NB `ovsdb-server`
 * (unix socket + loopback TCP), `startNbCluster()` a 3-member Raft NB; both return a `cleanup()` that stops every
 * process by the pid it started and removes the directory. Tests call cleanup from `after`/`t.after`.
 * `connectedNb()` adds a monitoring client; `killNbServer()` SIGKILLs the server and waits until the client noticed.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NB_SCHEMA, OvsdbServer, type OvsdbServerOptions } from '../../src/ovn/daemons.ts';
import { OvsdbCluster } from '../../src/ovn/cluster.ts';
import { OvsdbClient, type MonitorSpec, type OvsdbClientOptions } from '../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../src/ovsdb/generated/ovn-nb.ts';

export interface TempDir {
  dir: string;
  remove(): void;
}

export function tempDir(prefix = 'kovn-ovsdb-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface NbFixture {
  server: OvsdbServer;
  dir: string;
  /** unix remote first, then tcp. */
  remotes: string[];
  unix: string;
  tcp: string;
  cleanup(): Promise<void>;
}

export async function startNb(
  options: Partial<Omit<OvsdbServerOptions, 'dir' | 'name'>> = {},
): Promise<NbFixture> {
  const tmp = tempDir();
  let server: OvsdbServer | undefined;
  try {
    server = await OvsdbServer.start({ dir: tmp.dir, name: 'nb', schema: NB_SCHEMA, tcpPort: 0, ...options });
  } catch (error) {
    tmp.remove();
    throw error;
  }
  const s = server;
  return {
    server: s,
    dir: tmp.dir,
    get remotes() {
      return s.remotes;
    },
    get unix() {
      return `unix:${s.socket}`;
    },
    get tcp() {
      return `tcp:127.0.0.1:${s.tcpPort}`;
    },
    cleanup: async () => {
      await s.stop();
      tmp.remove();
    },
  };
}

export interface ClusterFixture {
  cluster: OvsdbCluster;
  dir: string;
  cleanup(): Promise<void>;
}

export async function startNbCluster(size = 3): Promise<ClusterFixture> {
  const tmp = tempDir('kovn-ovsdb-cluster-');
  try {
    const cluster = await OvsdbCluster.start({
      dir: tmp.dir,
      name: 'nb',
      schema: NB_SCHEMA,
      database: 'OVN_Northbound',
      size,
    });
    return {
      cluster,
      dir: tmp.dir,
      cleanup: async () => {
        await cluster.stop();
        tmp.remove();
      },
    };
  } catch (error) {
    tmp.remove();
    throw error;
  }
}

/**
 * A standalone NB and a client connected to it over the unix socket, monitoring `monitor`, both removed when the
 * test ends. Backoff 50-200 ms unless `client` says otherwise (reconnect tests want it short).
 */
export async function connectedNb(
  t: { after: (fn: () => unknown) => void },
  o: { monitor: MonitorSpec; client?: Partial<Omit<OvsdbClientOptions, 'remotes' | 'database'>> },
): Promise<{ nb: NbFixture; client: OvsdbClient<OvnNbTables> }> {
  const nb = await startNb();
  t.after(() => nb.cleanup());
  const client = await OvsdbClient.connect<OvnNbTables>({
    remotes: [nb.unix],
    database: 'OVN_Northbound',
    backoff: { initialMs: 50, maxMs: 200 },
    ...o.client,
  });
  t.after(() => client.close());
  await client.monitor(o.monitor);
  return { nb, client };
}

/** SIGKILLs the NB server and waits for it to exit and for `client` to notice; the client's reason for it. */
export async function killNbServer(nb: NbFixture, client: OvsdbClient<OvnNbTables>): Promise<unknown> {
  const disconnected = once(client, 'disconnected');
  nb.server.kill('SIGKILL');
  await nb.server.exited();
  const [reason] = (await disconnected) as unknown[];
  return reason;
}
