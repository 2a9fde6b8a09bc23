/**
 * Vpc `spec.vpcPeerings` (Kube-OVN's docs/vpc/vpc-peering): an entry `{remoteVpc, localConnectIP}` on each of two
 * custom VPCs asks for a router port pair between their routers on one connect CIDR (`169.254.0.1/30` here,
 * `169.254.0.2/30` there); each side's own static routes then send the other's CIDRs to the other's address. This
 * module owns what the entries mean, for admission and for the controller alike: the connect addresses (one CIDR
 * per family, comma-separated as Kube-OVN's CheckCidrs reads them), which entry names a peer (the later of two,
 * as Kube-OVN's loop leaves it), the verdict on a pair of sides (one network per family, two addresses), and a
 * connect CIDR that overlaps a subnet. Its admission rules: each entry alone, and, for the entries a write adds or
 * changes, the peer's side and both VPCs' subnets (an entry already stored is not judged again, so a later object
 * cannot make an accepted VPC invalid; the controller then keeps the link down and says why). Pure.
 */
import { DEFAULT_VPC } from '../constants.ts';
import { duplicate, invalid, warning } from '../issues.ts';
import { cidrsOverlap, formatCidr, formatIp, parseCidr, type Cidr } from '../../net/ip.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import type { ClusterView, FieldIssue } from '../types.ts';
import type { Subnet } from './subnet-schema.ts';

export interface VpcPeering {
  remoteVpc?: string | undefined;
  localConnectIP?: string | undefined;
}

/** The part of a Vpc these rules read (vpc.ts imports this module, so not its type). */
export interface PeeredVpc {
  metadata: { name?: string | undefined; deletionTimestamp?: string | undefined };
  spec?: { vpcPeerings?: VpcPeering[] | undefined } | undefined;
}

/** One family of a connect address: the port's network as OVN reads it (`169.254.0.1/30`), and parsed. */
export interface ConnectAddress {
  network: string;
  cidr: Cidr;
}

/** `localConnectIP` parsed, or why not (every part a CIDR, at most one per family). */
export function parseConnectIp(
  text: string | undefined,
): { ok: true; addresses: ConnectAddress[] } | { ok: false; reason: string } {
  const addresses: ConnectAddress[] = [];
  for (const part of (text ?? '').split(',').map((p) => p.trim())) {
    const cidr = parseCidr(part);
    if (!cidr) return { ok: false, reason: 'not a valid CIDR' };
    if (addresses.some((a) => a.cidr.family === cidr.family))
      return { ok: false, reason: 'at most one IPv4 and one IPv6 CIDR' };
    addresses.push({ network: `${formatIp(cidr.family, cidr.address)}/${cidr.prefix}`, cidr });
  }
  return { ok: true, addresses };
}

const addressesOf = (text: string | undefined): ConnectAddress[] => {
  const parsed = parseConnectIp(text);
  return parsed.ok ? parsed.addresses : [];
};

/** The entry of `vpc` that names `remote` (the later one of several, as Kube-OVN's loop leaves the port), with its index. */
export function peeringWith(
  vpc: PeeredVpc | undefined,
  remote: string,
): { index: number; peering: VpcPeering } | undefined {
  const list = vpc?.spec?.vpcPeerings ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]!.remoteVpc === remote) return { index: i, peering: list[i]! };
  }
  return undefined;
}

/** Why this side's connect addresses and the peer's cannot form one link, or undefined when they can. */
export function pairMismatch(
  local: string | undefined,
  remoteVpc: string,
  remote: string | undefined,
): string | undefined {
  const ours = addressesOf(local);
  const theirs = addressesOf(remote);
  const families = (list: ConnectAddress[]) =>
    list
      .map((a) => a.cidr.family)
      .sort()
      .join(',');
  if (families(ours) !== families(theirs)) {
    return `vpc ${remoteVpc} connects with ${remote ?? ''}: both sides need one address of each same family`;
  }
  for (const a of ours) {
    const b = theirs.find((t) => t.cidr.family === a.cidr.family)!;
    if (a.cidr.prefix !== b.cidr.prefix || a.cidr.network !== b.cidr.network) {
      return `${a.network} and vpc ${remoteVpc}'s ${b.network} are not in one network: both ends of a peering need addresses in the same CIDR`;
    }
    if (a.cidr.address === b.cidr.address) {
      return `${a.network} is also vpc ${remoteVpc}'s address on the link: the two ends need different addresses`;
    }
  }
  return undefined;
}

/** The live subnets of `vpc`. */
export function subnetsOf(view: ClusterView, vpc: string): Subnet[] {
  return (view.list('Subnet') as Subnet[]).filter(
    (s) => (s.spec?.vpc || DEFAULT_VPC) === vpc && !s.metadata.deletionTimestamp,
  );
}

/** The first subnet (of those given) whose CIDRs overlap the connect addresses, worded; undefined when none. */
export function subnetOverlap(connect: string | undefined, subnets: readonly Subnet[]): string | undefined {
  const ours = addressesOf(connect);
  for (const subnet of subnets) {
    const hit = (blockCidrs(subnet.spec?.cidrBlock) ?? []).find((c) =>
      ours.some((a) => cidrsOverlap(a.cidr, c)),
    );
    if (hit) {
      return `overlaps subnet ${subnet.metadata.name ?? ''} (${formatCidr(hit)}) of vpc ${subnet.spec?.vpc || DEFAULT_VPC}: the link's addresses would be routed as the subnet's`;
    }
  }
  return undefined;
}

/** Why no link is made for an entry whatever the peer says (self, the default VPC), or undefined. */
export function unpeerable(vpc: string, remote: string): string | undefined {
  if (remote === vpc) return 'a VPC cannot peer with itself: no link is made';
  if (remote === DEFAULT_VPC || vpc === DEFAULT_VPC) {
    return 'VPC peering connects custom VPCs only (as Kube-OVN documents): no link is made';
  }
  return undefined;
}

/** The rules on the entries alone. */
export function validatePeeringEntries(vpc: string, peerings: readonly VpcPeering[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  peerings.forEach((peering, i) => {
    const at = `spec.vpcPeerings[${i}]`;
    const remote = peering.remoteVpc;
    if (!remote) issues.push(warning(`${at}.remoteVpc`, 'no peer VPC named: the peering connects nothing'));
    else {
      const why = unpeerable(vpc, remote);
      if (why) issues.push(warning(`${at}.remoteVpc`, why));
      const earlier = seen.get(remote);
      if (earlier !== undefined) {
        issues.push(
          warning(
            `${at}.remoteVpc`,
            `spec.vpcPeerings[${earlier}] also peers with vpc ${remote}: only this later entry is used`,
          ),
        );
      }
      seen.set(remote, i);
    }
    const parsed = parseConnectIp(peering.localConnectIP);
    if (!parsed.ok) issues.push(invalid(`${at}.localConnectIP`, peering.localConnectIP ?? '', parsed.reason));
  });
  peerings.forEach((peering, i) => {
    const ours = addressesOf(peering.localConnectIP);
    for (let j = 0; j < i; j++) {
      const other = peerings[j]!;
      if (other.remoteVpc === peering.remoteVpc) continue;
      if (!ours.some((a) => addressesOf(other.localConnectIP).some((b) => cidrsOverlap(a.cidr, b.cidr))))
        continue;
      issues.push(
        duplicate(
          `spec.vpcPeerings[${i}].localConnectIP`,
          peering.localConnectIP,
          `overlaps spec.vpcPeerings[${j}].localConnectIP (the link to vpc ${other.remoteVpc ?? ''}): the router could reach only one of the peers on it`,
        ),
      );
    }
  });
  return issues;
}

const sameEntry = (a: VpcPeering, b: VpcPeering): boolean =>
  a.remoteVpc === b.remoteVpc && a.localConnectIP === b.localConnectIP;

/** The rules that read the peer VPC and the subnets, for the entries this write adds or changes. */
export function validatePeeringsAgainstCluster(
  vpc: PeeredVpc,
  old: PeeredVpc | undefined,
  view: ClusterView,
): FieldIssue[] {
  const name = vpc.metadata.name ?? '';
  const before = old?.spec?.vpcPeerings ?? [];
  const issues: FieldIssue[] = [];
  (vpc.spec?.vpcPeerings ?? []).forEach((peering, i) => {
    const remote = peering.remoteVpc;
    const field = `spec.vpcPeerings[${i}].localConnectIP`;
    if (!remote || unpeerable(name, remote) || !parseConnectIp(peering.localConnectIP).ok) return;
    if (before.some((b) => sameEntry(b, peering))) return;
    const peer = view.get('Vpc', remote) as PeeredVpc | undefined;
    const back = peeringWith(peer, name);
    const mismatch = back && pairMismatch(peering.localConnectIP, remote, back.peering.localConnectIP);
    if (mismatch) issues.push(invalid(field, peering.localConnectIP, mismatch));
    const overlap = subnetOverlap(peering.localConnectIP, [
      ...subnetsOf(view, name),
      ...(peer ? subnetsOf(view, remote) : []),
    ]);
    if (overlap) issues.push(duplicate(field, peering.localConnectIP, overlap));
  });
  return issues;
}

/**
 * A Subnet on the connect CIDR of a peering of its VPC (its own entries, and the entries of VPCs naming it): a
 * warning, since the Vpc rules judged that peering when it was written; the controller keeps that link down.
 */
export function subnetOnConnectCidr(subnet: Subnet, view: ClusterView): FieldIssue[] {
  const vpc = subnet.spec?.vpc || DEFAULT_VPC;
  const entries: { owner: string; peering: VpcPeering }[] = [];
  for (const other of view.list('Vpc') as PeeredVpc[]) {
    const owner = other.metadata.name ?? '';
    for (const peering of other.spec?.vpcPeerings ?? []) {
      if (owner === vpc || peering.remoteVpc === vpc) entries.push({ owner, peering });
    }
  }
  return entries.flatMap(({ owner, peering }) =>
    subnetOverlap(peering.localConnectIP, [subnet])
      ? [
          warning(
            'spec.cidrBlock',
            `overlaps localConnectIP ${peering.localConnectIP ?? ''} of vpc ${owner}'s peering with vpc ${peering.remoteVpc ?? ''}: that link is not made while they overlap`,
          ),
        ]
      : [],
  );
}
