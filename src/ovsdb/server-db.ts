/**
 * The `_Server` database (ovsdb-server(5)): its `Database` table says, per database on a server, whether it is
 * `standalone`, `clustered` or a `relay`, and for a clustered one whether this member is `connected` to the
 * cluster and is the Raft `leader`. The client monitors the row for its database on every connection; this module
 * holds the pieces of that: the table's schema (fixed, so no `get_schema` round trip), the monitor to ask for, and
 * the pure verdict on whether a server is one to stay connected to.
 */
import { eq } from './operations.ts';
import type { TableMonitorSpec } from './monitor.ts';
import type { DatabaseSchema } from './schema.ts';

export const SERVER_DATABASE = '_Server';

/** The part of `_Server`'s schema the client reads. */
export const serverSchema: DatabaseSchema = {
  name: SERVER_DATABASE,
  version: '1.2.0',
  tables: {
    Database: {
      columns: {
        name: { type: 'string' },
        model: { type: { key: { type: 'string', enum: ['set', ['standalone', 'clustered', 'relay']] } } },
        connected: { type: 'boolean' },
        leader: { type: 'boolean' },
        schema: { type: { key: 'string', min: 0, max: 1 } },
        cid: { type: { key: 'uuid', min: 0, max: 1 } },
        sid: { type: { key: 'uuid', min: 0, max: 1 } },
        index: { type: { key: 'integer', min: 0, max: 1 } },
      },
    },
  },
};

export interface ServerDatabaseRow {
  _uuid: string;
  name: string;
  model: 'standalone' | 'clustered' | 'relay';
  connected: boolean;
  leader: boolean;
  cid?: string;
  sid?: string;
  index?: number;
}

export function serverMonitorSpec(database: string): Record<string, TableMonitorSpec> {
  return {
    Database: {
      columns: ['name', 'model', 'connected', 'leader', 'cid', 'sid', 'index'],
      where: [eq('name', database)],
    },
  };
}

export type ServerVerdict =
  | { ok: true; model: string; sid: string | undefined }
  | { ok: false; reason: 'database-missing' | 'not-connected' | 'not-leader' };

/**
 * Whether to use this server for `database`: it must have the database; a clustered member must be connected to
 * its cluster, and with `leaderOnly` must be the leader (followers forward writes, but their monitors lag and
 * leadership moves, so controllers follow the leader as ovn-northd and ovn-kubernetes do).
 */
export function judgeServer(row: ServerDatabaseRow | undefined, leaderOnly: boolean): ServerVerdict {
  if (!row) return { ok: false, reason: 'database-missing' };
  if (row.model === 'clustered') {
    if (!row.connected) return { ok: false, reason: 'not-connected' };
    if (leaderOnly && !row.leader) return { ok: false, reason: 'not-leader' };
  }
  return { ok: true, model: row.model, sid: row.sid };
}

/** The server stopped being one we may use (it lost leadership or its cluster); the client moves on. */
export class ServerUnsuitableError extends Error {
  readonly remote: string;
  readonly reason: string;
  constructor(remote: string, reason: string) {
    super(`${remote}: ${reason}`);
    this.name = 'ServerUnsuitableError';
    this.remote = remote;
    this.reason = reason;
  }
}
