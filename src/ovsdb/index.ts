/**
 * Public surface of kovn's OVSDB client (RFC 7047): the client, operation builders, value helpers, cache types and
 * typed errors. Reconcilers import from here; the generated OVN NB row types are in `./generated/ovn-nb.ts`.
 */
export {
  DEFAULT_CALL_TIMEOUT_MS,
  OvsdbClient,
  type ClientEvents,
  type ClientStats,
  type OvsdbClientOptions,
  type TransactOptions,
} from './client.ts';
export * from './operations.ts';
export * from './values.ts';
export * from './errors.ts';
export { DatabaseCache, Index, TableCache, type IndexKeyFn, type RowChange } from './cache.ts';
export { decodeRow, encodeRow, encodeValue, decodeValue, type PlainRow, type Row } from './codec.ts';
export type { MonitorSpec, TableMonitorSpec } from './monitor.ts';
export type { DatabaseSchema, TableSchema, ColumnType } from './schema.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { JsonFramingError } from './json-stream.ts';
export { JsonRpcProtocolError } from './jsonrpc.ts';
export { ServerUnsuitableError } from './server-db.ts';
export { parseRemote, type Connector } from './transport.ts';
export type { OvsdbTlsOptions } from './tls.ts';
export type { Logger } from './logger.ts';
