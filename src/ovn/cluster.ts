/**
 * A clustered (Raft) OVSDB database on loopback: `ovsdb-tool create-cluster` for the first member,
 * `join-cluster` for the others, one `ovsdb-server` per member (see daemons.ts), Raft on 127.0.0.1 ports picked
 * free at creation. Reads `cluster/status` through `ovs-appctl` to find the leader and to wait until every member
 * has joined. For tests of leader-following now, and for a clustered lab NB later.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../util/clock.ts';
import { check, processRunner, type ProcessRunner } from '../util/exec.ts';
import { OvsdbServer, waitFor, type DaemonDeps } from './daemons.ts';

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ClusterStatus {
  role: string;
  status: string;
  leader: string;
  term: number;
  serverId: string;
}

/** Parses the interesting lines of `ovs-appctl cluster/status DB`. */
export function parseClusterStatus(text: string): ClusterStatus {
  const field = (name: string): string => new RegExp(`^${name}: *(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return {
    role: field('Role'),
    status: field('Status'),
    leader: field('Leader'),
    term: Number(field('Term') || 0),
    serverId: field('Server ID').split(' ')[0] ?? '',
  };
}

export interface ClusterOptions extends DaemonDeps {
  dir: string;
  /** Member file stems become `<name>1`, `<name>2`, ... */
  name: string;
  schema: string;
  database: string;
  size?: number;
  /** Also serve each member on a TCP port (default: unix sockets only). */
  tcp?: boolean;
}

export class OvsdbCluster {
  readonly members: OvsdbServer[];
  readonly database: string;
  readonly #clock: Clock;

  private constructor(members: OvsdbServer[], database: string, clock: Clock) {
    this.members = members;
    this.database = database;
    this.#clock = clock;
  }

  static async start(options: ClusterOptions): Promise<OvsdbCluster> {
    const runner: ProcessRunner = options.runner ?? processRunner;
    const clock = options.clock ?? systemClock;
    const size = options.size ?? 3;
    const ports: number[] = [];
    for (let i = 0; i < size; i++) ports.push(await freeLoopbackPort());
    const raft = ports.map((p) => `tcp:127.0.0.1:${p}`);
    const files = ports.map((_, i) => join(options.dir, `${options.name}${i + 1}.db`));
    await check(runner, 'ovsdb-tool', [
      'create-cluster',
      files[0] as string,
      options.schema,
      raft[0] as string,
    ]);
    for (let i = 1; i < size; i++) {
      const args = [
        'join-cluster',
        files[i] as string,
        options.database,
        raft[i] as string,
        ...raft.slice(0, i),
      ];
      await check(runner, 'ovsdb-tool', args);
    }
    const members: OvsdbServer[] = [];
    const cluster = new OvsdbCluster(members, options.database, clock);
    try {
      for (let i = 0; i < size; i++) {
        members.push(
          await OvsdbServer.start({
            dir: options.dir,
            name: `${options.name}${i + 1}`,
            tcpPort: options.tcp ? 0 : false,
            ...(options.runner ? { runner: options.runner } : {}),
            ...(options.detached === undefined ? {} : { detached: options.detached }),
            clock,
          }),
        );
      }
      await cluster.waitUntilFormed();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Unix-socket remotes of every member, in member order. */
  get remotes(): string[] {
    return this.members.map((m) => `unix:${m.socket}`);
  }

  async status(member: OvsdbServer): Promise<ClusterStatus> {
    return parseClusterStatus(await member.appctl('cluster/status', this.database));
  }

  /** Waits until every running member has joined and one of them is leader. */
  async waitUntilFormed(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      this.#clock,
      `${this.database} cluster to form`,
      async () => {
        const running = this.members.filter((m) => m.running);
        const statuses = await Promise.all(running.map((m) => this.status(m).catch(() => undefined)));
        const joined = statuses.every(
          (s) => s?.status === 'cluster member' && s.leader !== 'unknown' && s.leader,
        );
        return joined && statuses.some((s) => s?.role === 'leader') ? true : undefined;
      },
      timeoutMs,
    );
  }

  /** The running member that is the Raft leader (waits for an election if there is none yet). */
  async leader(timeoutMs = 30_000): Promise<OvsdbServer> {
    return waitFor(
      this.#clock,
      `a ${this.database} leader`,
      async () => {
        for (const m of this.members.filter((x) => x.running)) {
          const s = await this.status(m).catch(() => undefined);
          if (s?.role === 'leader') return m;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }
}
