/**
 * OVN "central" in one call: NB and SB `ovsdb-server`s (NB standalone, or a 3-member Raft cluster), optionally
 * `ovn-northd` between them, all in one private directory, with `stop()` that ends each process by the pid we
 * started. The lab will call this; tests use it to check northd end to end.
 */
import { OvsdbCluster } from './cluster.ts';
import { NB_SCHEMA, OvnNorthd, OvsdbServer, SB_SCHEMA, type DaemonDeps } from './daemons.ts';

export interface CentralOptions extends DaemonDeps {
  dir: string;
  /** Start ovn-northd (default true). */
  northd?: boolean;
  /** Run NB as a Raft cluster of this many members (default: standalone). */
  nbClusterSize?: number;
  /** TCP port for NB and SB on 127.0.0.1 (default 0: any free port); cluster members serve unix only. */
  nbTcpPort?: number;
  sbTcpPort?: number;
}

export interface Central {
  /** Client remotes for NB (every cluster member when clustered) and SB. */
  nbRemotes: string[];
  sbRemotes: string[];
  nb: OvsdbServer | undefined;
  nbCluster: OvsdbCluster | undefined;
  sb: OvsdbServer;
  northd: OvnNorthd | undefined;
  /** Pids of every process started, for diagnostics. */
  pids(): number[];
  stop(): Promise<void>;
}

export async function startCentral(options: CentralOptions): Promise<Central> {
  const deps: DaemonDeps = {
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.detached === undefined ? {} : { detached: options.detached }),
  };
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const d of started.reverse()) await d.stop();
  };
  try {
    let nb: OvsdbServer | undefined;
    let nbCluster: OvsdbCluster | undefined;
    if (options.nbClusterSize && options.nbClusterSize > 1) {
      nbCluster = await OvsdbCluster.start({
        ...deps,
        dir: options.dir,
        name: 'nb',
        schema: NB_SCHEMA,
        database: 'OVN_Northbound',
        size: options.nbClusterSize,
      });
      started.push(nbCluster);
    } else {
      nb = await OvsdbServer.start({
        ...deps,
        dir: options.dir,
        name: 'nb',
        schema: NB_SCHEMA,
        tcpPort: options.nbTcpPort ?? 0,
      });
      started.push(nb);
    }
    const sb = await OvsdbServer.start({
      ...deps,
      dir: options.dir,
      name: 'sb',
      schema: SB_SCHEMA,
      tcpPort: options.sbTcpPort ?? 0,
    });
    started.push(sb);
    const nbRemotes = nbCluster ? nbCluster.remotes : (nb as OvsdbServer).remotes;
    let northd: OvnNorthd | undefined;
    if (options.northd ?? true) {
      northd = await OvnNorthd.start({
        ...deps,
        dir: options.dir,
        // northd takes a comma-separated list and follows the cluster leader itself
        nbRemote: nbCluster ? nbCluster.remotes.join(',') : `unix:${(nb as OvsdbServer).socket}`,
        sbRemote: `unix:${sb.socket}`,
      });
      started.push(northd);
    }
    return {
      nbRemotes,
      sbRemotes: sb.remotes,
      nb,
      nbCluster,
      sb,
      northd,
      pids: () =>
        [...(nbCluster?.members ?? []), nb, sb, northd]
          .map((d) => d?.pid)
          .filter((p): p is number => p !== undefined),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
