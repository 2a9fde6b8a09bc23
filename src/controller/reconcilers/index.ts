/** Public surface of the network reconcilers: the assembled controller, the reconcilers, and the writer interface. */
export { NB_MONITOR, NETWORK_KINDS, networkReconcilers } from './registry.ts';
export { NetworkController, type NetworkControllerOptions } from './controller.ts';
export type { NetworkDeps } from './deps.ts';
export type { ObjectWriter, EventRecord } from '../../kube/writer.ts';
