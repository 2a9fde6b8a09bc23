/**
 * What happens on every new connection before the client calls it ready: `list_dbs` (RFC 7047 §4.1.1), a monitor
 * on `_Server`'s `Database` row to learn whether this server may be used (leader-following, see server-db.ts),
 * and `get_schema` (§4.1.2). Also the one place that sends a monitor request, trying `monitor_cond_since`, then
 * `monitor_cond`, then `monitor` (§4.1.5) as the server answers "unknown method".
 */
import { DatabaseCache } from './cache.ts';
import { UnknownDatabase, UnknownMethod } from './errors.ts';
import type { JsonRpcSession } from './jsonrpc.ts';
import {
  applyUpdates,
  monitorParams,
  parseMonitorReply,
  resolveMonitor,
  type MonitorMethod,
  type MonitorReply,
  type MonitoredTable,
} from './monitor.ts';
import { asDatabaseSchema, type DatabaseSchema } from './schema.ts';
import {
  SERVER_DATABASE,
  ServerUnsuitableError,
  judgeServer,
  serverMonitorSpec,
  serverSchema,
  type ServerDatabaseRow,
} from './server-db.ts';

export const MONITOR_METHODS: readonly MonitorMethod[] = ['monitor_cond_since', 'monitor_cond', 'monitor'];

export interface MonitorOutcome {
  method: MonitorMethod;
  reply: MonitorReply;
}

/** Sends a monitor request with the first method (from `methods`) the server knows. */
export async function sendMonitor(
  session: JsonRpcSession,
  request: {
    database: string;
    id: string;
    tables: readonly MonitoredTable[];
    lastTxnId: string;
    timeoutMs: number;
  },
  methods: readonly MonitorMethod[] = MONITOR_METHODS,
): Promise<MonitorOutcome> {
  for (const [i, method] of methods.entries()) {
    const params = monitorParams(method, request.database, request.id, request.tables, request.lastTxnId);
    try {
      const result = await session.request(method, params, request.timeoutMs);
      return { method, reply: parseMonitorReply(method, result) };
    } catch (error) {
      if (!(error instanceof UnknownMethod) || i === methods.length - 1) throw error;
    }
  }
  throw new Error('sendMonitor: no monitor method given');
}

/** The live view of `_Server` on one session, used to notice leadership moving away. */
export interface ServerWatch {
  id: string;
  tables: MonitoredTable[];
  cache: DatabaseCache;
  method: MonitorMethod;
  /** Throws `ServerUnsuitableError` when the server may no longer be used. */
  check(): void;
}

export interface HandshakeResult {
  schema: DatabaseSchema;
  server: ServerWatch | undefined;
  /** Monitor methods this server accepts, best first (the `_Server` probe tells). */
  methods: readonly MonitorMethod[];
}

export interface HandshakeOptions {
  remote: string;
  database: string;
  leaderOnly: boolean;
  timeoutMs: number;
}

export async function handshake(
  session: JsonRpcSession,
  options: HandshakeOptions,
): Promise<HandshakeResult> {
  const { remote, database, timeoutMs } = options;
  const dbs = (await session.request('list_dbs', [], timeoutMs)) as string[];
  if (!dbs.includes(database)) {
    throw new UnknownDatabase('unknown database', `${remote} serves ${dbs.join(', ')}, not ${database}`);
  }
  let server: ServerWatch | undefined;
  let methods = MONITOR_METHODS;
  if (dbs.includes(SERVER_DATABASE)) {
    const tables = resolveMonitor(serverSchema, serverMonitorSpec(database));
    const id = 'kovn-_Server';
    const cache = new DatabaseCache();
    const outcome = await sendMonitor(session, {
      database: SERVER_DATABASE,
      id,
      tables,
      lastTxnId: '00000000-0000-0000-0000-000000000000',
      timeoutMs,
    });
    applyUpdates(cache, tables, outcome.reply.updates, outcome.reply.format, true);
    methods = MONITOR_METHODS.slice(MONITOR_METHODS.indexOf(outcome.method));
    const check = (): void => {
      const row = cache.table('Database').rows()[0] as ServerDatabaseRow | undefined;
      const verdict = judgeServer(row, options.leaderOnly);
      if (!verdict.ok) throw new ServerUnsuitableError(remote, `${database}: ${verdict.reason}`);
    };
    check();
    server = { id, tables, cache, method: outcome.method, check };
  }
  const schema = asDatabaseSchema(await session.request('get_schema', [database], timeoutMs));
  return { schema, server, methods };
}
