/**
 * The pure steps of the IptablesEIP reconcile (eip.ts does the I/O): why a deleting EIP must wait (the rules still
 * naming it), what its allocation needs first (the external subnet known to the cache and to IPAM, and the
 * addresses it holds kept: Kube-OVN refuses to change an EIP's address), the addresses to ask for, a failed
 * allocation as a status, what is written back onto the EIP as Kube-OVN does (the allocation, the defaulted
 * subnet and the gateway's namespace into the spec, with the labels; else only the labels that differ), and its
 * status (`ip`, and `v6ip` on a dual-stack or IPv6 subnet, `nat` = the kinds of the rules holding it, `ready` from
 * the gateway agent's report). kovn NATs IPv6 too (Kube-OVN's gateway is IPv4 only and refuses a subnet without
 * IPv4): an EIP on an IPv6-only subnet has no `ip`, only `v6ip`.
 */
import { LABEL_EIP_V4_IP, LABEL_NAT_GW_NAME, LABEL_SUBNET } from '../../../api/annotations.ts';
import { eipOffGateway, type IptablesEip } from '../../../api/kinds/iptables-eip.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { ClusterView, KubeObject } from '../../../api/types.ts';
import type { AllocateFailure, AllocateRequest, Allocation } from '../../../ipam/index.ts';
import type { ConditionInput } from '../conditions.ts';
import { BLOCKED_DELETE_RETRY_MS, WAIT_FOR_DEPENDENCY_MS } from '../deps.ts';
import { appliedVerdict } from './applied.ts';
import { SHORT_KIND, gatewayPod, rulesOfEip, workloadName, type RuleKind } from './names.ts';
import { labelChanges, natKinds, ruleConflict, verdictCondition } from './rule-status.ts';
import { readyCondition, type NotReady } from './status.ts';

/** The condition of a deleting EIP that live rules still name (`users`, as `rulesOfEip` lists them). */
export function eipInUse(name: string, users: readonly KubeObject[]): ConditionInput {
  const list = users
    .map((r) => `${SHORT_KIND[r.kind as keyof typeof SHORT_KIND]}/${r.metadata.name ?? ''}`)
    .join(', ');
  return readyCondition(false, 'InUse', `eip ${name} is still used by ${list}; delete those rules first`);
}

/**
 * Why the EIP cannot be allocated yet, or undefined: without `spec.externalSubnet` its gateway decides the subnet,
 * so it waits for the gateway; the gateway has no NIC on its subnet (named with the field path: it stays so until
 * the EIP or the gateway changes; an address already held is kept); the subnet as the cache and IPAM know it.
 */
export function eipPrecondition(
  eip: IptablesEip,
  at: {
    subnetName: string;
    subnet: Subnet | undefined;
    subnetInIpam: boolean;
    gateway: VpcNatGateway | undefined;
  },
): NotReady | undefined {
  const { subnetName, subnet, subnetInIpam, gateway } = at;
  if (!eip.spec?.externalSubnet && !gateway)
    return {
      fields: { ready: false },
      condition: readyCondition(
        false,
        'Pending',
        `vpc-nat-gateway ${eip.spec?.natGwDp ?? ''} does not exist yet: without spec.externalSubnet it decides the external subnet`,
      ),
    };
  const off = eipOffGateway(subnetName, gateway);
  if (off)
    return {
      fields: { ready: false },
      condition: readyCondition(false, 'ExternalSubnetNotOnGateway', `spec.externalSubnet: ${off}`),
    };
  if (!subnet || !subnetInIpam)
    return {
      fields: { ready: false },
      condition: readyCondition(false, 'Pending', `external subnet ${subnetName} is not ready yet`),
      requeueAfterMs: WAIT_FOR_DEPENDENCY_MS,
    };
  for (const [held, wanted] of [
    [eip.status?.ip, eip.spec?.v4ip],
    [eip.status?.v6ip, eip.spec?.v6ip],
  ])
    if (held && wanted && wanted !== held)
      return {
        fields: {},
        condition: readyCondition(
          false,
          'AddressChangeRefused',
          `not support eip change ip, old ip ${held}, new ip ${wanted}`,
        ),
      };
  return undefined;
}

/**
 * What to ask IPAM for, per family of the subnet: the address held, else the fixed `spec.v4ip` (`spec.v6ip`), else
 * the lowest free one (IPAM's checks apply to both: in the subnet's CIDR of the family, not excluded, not taken).
 */
export function eipRequest(eip: IptablesEip): AllocateRequest {
  const ips = [eip.status?.ip || eip.spec?.v4ip, eip.status?.v6ip || eip.spec?.v6ip].filter(
    (ip): ip is string => !!ip,
  );
  if (!ips.length) return {};
  return { ips: ips.length === 1 ? ips[0] : ips };
}

/** A failed allocation as the EIP's status; a full subnet is looked at again later, anything else on a change. */
export function allocationRefusal(failure: AllocateFailure, subnetName: string): NotReady {
  return {
    fields: { ready: false },
    condition: readyCondition(false, failure.reason, `subnet ${subnetName}: ${failure.message}`),
    ...(failure.reason === 'NoAvailableAddress' ? { requeueAfterMs: BLOCKED_DELETE_RETRY_MS } : {}),
  };
}

export type EipWriteBack =
  | { write: 'update'; eip: IptablesEip }
  | { write: 'labels'; labels: Record<string, string> }
  | { write: 'none' };

/**
 * What goes back onto the EIP once it has its address: Kube-OVN writes the allocation (`v4ip`, `v6ip` on a
 * dual-stack subnet, a MAC when it has none, the defaulted `externalSubnet`, `natGwDp`, and `namespace` from the
 * gateway's when empty) into the spec, labels in the same write; with the spec already right, only the labels
 * (`subnet`, `eip_v4_ip`, `vpc-nat-gw-name`) that differ. A ready EIP gets no `v6ip` or `namespace` it lacks
 * (admission keeps the addresses of a ready EIP, and Kube-OVN fills them only while allocating).
 */
export function eipWriteBack(
  eip: IptablesEip,
  subnetName: string,
  allocation: Pick<Allocation, 'v4' | 'v6' | 'mac'>,
  gatewayNamespace: string,
): EipWriteBack {
  const ip = allocation.v4 ?? '';
  const gateway = eip.spec?.natGwDp ?? '';
  const wantLabels = { [LABEL_SUBNET]: subnetName, [LABEL_EIP_V4_IP]: ip, [LABEL_NAT_GW_NAME]: gateway };
  const v6ip = (!eip.status?.ready && allocation.v6) || eip.spec?.v6ip;
  if (
    eip.spec?.v4ip !== ip ||
    (v6ip && eip.spec.v6ip !== v6ip) ||
    (!eip.spec.macAddress && allocation.mac) ||
    eip.spec.externalSubnet !== subnetName ||
    (!eip.spec.namespace && !eip.status?.ready)
  ) {
    const spec = {
      ...eip.spec,
      natGwDp: gateway,
      v4ip: ip,
      ...(v6ip ? { v6ip } : {}),
      macAddress: eip.spec?.macAddress || allocation.mac,
      externalSubnet: subnetName,
      namespace: eip.spec?.namespace || gatewayNamespace,
    };
    const metadata = { ...eip.metadata, labels: { ...eip.metadata.labels, ...wantLabels } };
    return { write: 'update', eip: { ...eip, metadata, spec } };
  }
  const labels = labelChanges(eip, wantLabels);
  return Object.keys(labels).length ? { write: 'labels', labels } : { write: 'none' };
}

/**
 * Kube-OVN's `status.nat`: the kinds of the live rules naming the EIP (`dnat,fip,snat` order), less those an older
 * rule keeps off it (a conflict's loser is not on the gateway, and Kube-OVN, counting by the EIP's label, never
 * counts a rule it did not label).
 */
export function eipNat(view: ClusterView, eip: string): string {
  return natKinds(rulesOfEip(view, eip).filter((r) => !ruleConflict(r.kind as RuleKind, r, view)));
}

/**
 * The status of an EIP holding `ip` (IPv4, '' on an IPv6-only subnet) and `v6ip` (when it has one): the kinds of the
 * rules using it, `ready` from its gateway pod's report.
 */
export function eipStatus(
  view: ClusterView,
  eip: IptablesEip,
  ip: string,
  v6ip?: string,
): { fields: Record<string, unknown>; condition: ConditionInput } {
  const name = eip.metadata.name ?? '';
  const gateway = eip.spec?.natGwDp ?? '';
  const podName = `${workloadName(view, gateway)}-0`;
  const verdict = appliedVerdict(gatewayPod(view, gateway), `eip/${name}`, podName);
  const addresses = [ip, v6ip].filter(Boolean).join(',');
  return {
    fields: { ip, ...(v6ip ? { v6ip } : {}), nat: eipNat(view, name), ready: verdict.state === 'applied' },
    condition: verdictCondition(verdict, `eip ${addresses} is on gateway pod ${podName}`),
  };
}
