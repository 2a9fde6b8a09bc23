/**
 * Test support: real OVN databases in throwaway directories. `startNb()` gives a standalone NB `ovsdb-server`
 * (unix socket + loopback TCP), `startNbCluster()` a 3-member Raft NB; both return a `cleanup()` that stops every
 * process by the pid it started and removes the directory. Tests call cleanup from `after`/`t.after`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NB_SCHEMA, OvsdbServer, type OvsdbServerOptions } from '../../src/ovn/daemons.ts';
import { OvsdbCluster } from '../../src/ovn/cluster.ts';

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
