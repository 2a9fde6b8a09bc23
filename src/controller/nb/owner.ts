/**
 * Ownership tags on the NB rows the controller writes (guideline 5): every row carries `vendor=kube-ovn` (as Kube-OVN
 * tags its rows, so tooling written for Kube-OVN recognises them) and `kovn-owner=<kind>/<[namespace/]name>` naming
 * the one object whose reconcile owns it. Garbage collection is "rows owned by X that X no longer wants"; a row without
 * our owner key is never touched. Owners map back to work-queue keys, so orphans found in NB can be enqueued.
 */
import { keyOf, type ObjectRef } from '../../kube/queue/keys.ts';

export const VENDOR_KEY = 'vendor';
export const VENDOR = 'kube-ovn';
export const OWNER_KEY = 'kovn-owner';
/** The cache index (a map key of `external_ids`) that finds a table's rows by owner. */
export const OWNER_INDEX = `external_ids:${OWNER_KEY}`;

const KINDS: Record<string, string> = {
  vpc: 'Vpc',
  subnet: 'Subnet',
  pod: 'Pod',
  node: 'Node',
  service: 'Service',
  np: 'NetworkPolicy',
  natgw: 'VpcNatGateway',
};
const NAMESPACED = new Set(['Pod', 'Service', 'NetworkPolicy']);

export const vpcOwner = (name: string): string => `vpc/${name}`;
export const subnetOwner = (name: string): string => `subnet/${name}`;
export const podOwner = (namespace: string, name: string): string => `pod/${namespace}/${name}`;
export const nodeOwner = (name: string): string => `node/${name}`;
export const networkPolicyOwner = (namespace: string, name: string): string => `np/${namespace}/${name}`;
/** The VPC routes to an HA NAT gateway's active instance (controller/reconcilers/natgw/gateway-routes.ts). */
export const natGatewayOwner = (name: string): string => `natgw/${name}`;

/** `external_ids` for a row of `owner`, plus any extra keys (e.g. `subnet`, `ls`, `pod`). */
export function ownerTags(owner: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [VENDOR_KEY]: VENDOR, [OWNER_KEY]: owner };
}

export function ownerOfRow(row: Readonly<Record<string, unknown>>): string | undefined {
  const ids = row['external_ids'] as Record<string, string> | undefined;
  return ids?.[OWNER_KEY];
}

/** The object an owner tag names, or undefined for a tag this controller did not write. */
export function ownerRef(owner: string): ObjectRef | undefined {
  const [prefix, ...rest] = owner.split('/');
  const kind = KINDS[prefix ?? ''];
  if (!kind || rest.some((p) => p === '')) return undefined;
  if (NAMESPACED.has(kind))
    return rest.length === 2 ? { kind, namespace: rest[0]!, name: rest[1]! } : undefined;
  return rest.length === 1 ? { kind, name: rest[0]! } : undefined;
}

/** The work-queue key of the owning object (`Pod/ns/name`), or undefined for a foreign tag. */
export function ownerKey(owner: string): string | undefined {
  const ref = ownerRef(owner);
  return ref && keyOf(ref.kind, ref.name, ref.namespace);
}
