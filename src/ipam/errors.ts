/**
 * Kube-OVN's names for IPAM failures (pkg/ipam/ipam.go: the `ErrOutOfRange`, `ErrConflict`, `ErrNoAvailable`,
 * `ErrNoSubnet` sentinels, whose text is the name). Kube-OVN reports a failed pod allocation as a Warning event
 * `AcquireAddressFailed` whose message is `stage=acquireAddress error=<name>`, and folds every clash into
 * `AddressConflict`: another owner's IP, the subnet gateway, another owner's MAC, the gateway's MAC. kovn's
 * `reason` keeps the finer kind; this gives the name a Kube-OVN user (or e2e test) looks for. Malformed requests
 * have none: Kube-OVN refuses them before IPAM (`ValidatePodNetworkFailed`). Pure.
 */
import type { AllocateFailure } from './types.ts';

export type KubeOvnIpamError = 'NoSubnet' | 'NoAvailableAddress' | 'AddressConflict' | 'AddressOutOfRange';

const NAMES: Record<AllocateFailure['reason'], KubeOvnIpamError | undefined> = {
  NoSubnet: 'NoSubnet',
  NoAvailableAddress: 'NoAvailableAddress',
  AddressConflict: 'AddressConflict',
  GatewayConflict: 'AddressConflict',
  MacConflict: 'AddressConflict',
  MacReserved: 'AddressConflict',
  AddressOutOfRange: 'AddressOutOfRange',
  InvalidAddress: undefined,
  InvalidMac: undefined,
};

export function kubeOvnIpamError(failure: Pick<AllocateFailure, 'reason'>): KubeOvnIpamError | undefined {
  return NAMES[failure.reason];
}
