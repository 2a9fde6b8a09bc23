/**
 * A NetworkPolicy's NB rows, in Kube-OVN's structure (pkg/controller/network_policy.go, pkg/ovs/ovn-nb-acl.go; ADR 25):
 * - a Port_Group `<name>.<namespace>` ('-' written '.', a name not starting with a letter prefixed `np`, as OVN
 *   names must be identifiers) holding the switch ports of the pods the policy selects;
 * - per policy type in effect (Ingress: `to-lport`, Egress: `from-lport` with `apply-after-lb`): a default drop of
 *   the group's IP traffic at 2000, the node (join) network allowed at 3000 (kubelet probes and node traffic, as
 *   Kube-OVN's node ACLs allow them), and per rule and family the allows at 2001, `allow-related`;
 * - per rule with selector peers (or no peers: everyone) an Address_Set `<pg>.<ingress|egress>.allow.<IPv4|IPv6>.<i>`
 *   with the peers' addresses (`0.0.0.0/0` / `::/0` for "everyone"), matched as `ip4.src == $set`; ipBlock peers
 *   inline with their own `except`. The ACL does not change when peer pods come and go; only the set does.
 * Kube-OVN's always-empty `.except` address sets and the `.all` sets of a rule-less policy are not written (they
 * match nothing); the rules' families are those of the selected pods (IPv4 while none is selected). Pure.
 */
import type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicyType,
} from '../../api/kinds/network-policy.ts';
import { policyTypesOf } from '../../api/kinds/network-policy.ts';
import { parseCidr, formatCidr, type Family } from '../../net/ip.ts';
import { desiredAcls, type AclEntry } from './acl.ts';
import type { DesiredRow } from './model.ts';
import {
  addressesOf,
  familiesOf,
  namedPortNumbers,
  peerPods,
  selectedPods,
  type PolicyPod,
  type PolicyWorld,
} from './network-policy-peers.ts';
import { allOf, ipBlockTerm, portGroupTerm, portTerms, remoteField } from './network-policy-match.ts';
import { networkPolicyOwner, ownerTags } from './owner.ts';
import { NODE_ALLOW_PRIORITY } from './subnet-acls.ts';

/** Kube-OVN's IngressAllowPriority/EgressAllowPriority and IngressDefaultDrop/EgressDefaultDrop (pkg/util/const.go). */
export const POLICY_ALLOW_PRIORITY = 2001;
export const POLICY_DROP_PRIORITY = 2000;
/** Kube-OVN's `external_ids` key naming the policy (and direction) of a port group or address set. */
export const NETWORK_POLICY_KEY = 'np';

export interface NetworkPolicyInput extends PolicyWorld {
  policy: NetworkPolicy;
  /** The join subnet's block (`100.64.0.0/16`), whose addresses are the nodes'. */
  nodeSwitchCidr: string;
}

export interface NetworkPolicyRows {
  rows: DesiredRow[];
  portGroup: string;
  /** Selected pods with addresses whose switch port is not in NB yet (the port group will lack them). */
  waitingFor: string[];
}

const FAMILY_NAME = { 4: 'IPv4', 6: 'IPv6' } as const;
const ANY = { 4: '0.0.0.0/0', 6: '::/0' } as const;

/** Kube-OVN's npName: the policy name, prefixed `np` unless it starts with a letter. */
const policyName = (name: string): string => (/^[a-zA-Z]/.test(name) ? name : `np${name}`);

export const portGroupName = (namespace: string, name: string): string =>
  `${policyName(name)}.${namespace}`.replaceAll('-', '.');

export const addressSetName = (pg: string, type: PolicyType, family: Family, index: number): string =>
  `${pg}.${type.toLowerCase()}.allow.${FAMILY_NAME[family]}.${index}`;

interface RuleView {
  peers: readonly NetworkPolicyPeer[];
  ports: readonly NetworkPolicyPort[] | undefined;
}

function rulesOf(policy: NetworkPolicy, type: PolicyType): RuleView[] {
  if (type === 'Ingress')
    return (policy.spec.ingress ?? []).map((r) => ({ peers: r.from ?? [], ports: r.ports }));
  return (policy.spec.egress ?? []).map((r) => ({ peers: r.to ?? [], ports: r.ports }));
}

interface DirectionContext {
  input: NetworkPolicyInput;
  pg: string;
  type: PolicyType;
  families: readonly Family[];
  selected: readonly PolicyPod[];
  acls: AclEntry[];
  rows: DesiredRow[];
}

function entry(
  ctx: DirectionContext,
  priority: number,
  match: string,
  action: AclEntry['action'],
  name: string,
) {
  const egress = ctx.type === 'Egress';
  const acl: AclEntry = { direction: egress ? 'from-lport' : 'to-lport', priority, match, action, name };
  if (egress) acl.options = { 'apply-after-lb': 'true' };
  ctx.acls.push(acl);
}

/** Default drop and the node network's allow for one direction. */
function baseAcls(ctx: DirectionContext, key: string): void {
  const group = portGroupTerm(ctx.type, ctx.pg);
  entry(ctx, POLICY_DROP_PRIORITY, allOf(group, 'ip'), 'drop', key);
  for (const text of ctx.input.nodeSwitchCidr.split(',')) {
    const cidr = parseCidr(text.trim());
    if (!cidr) continue;
    const match = allOf(group, `${remoteField(ctx.type, cidr.family)} == ${formatCidr(cidr)}`);
    entry(ctx, NODE_ALLOW_PRIORITY, match, 'allow-related', key);
  }
}

/** One rule in one family: its address set (selector peers or everyone), its ipBlocks, times its port terms. */
function ruleAcls(ctx: DirectionContext, rule: RuleView, index: number, family: Family): void {
  const { input, pg, type } = ctx;
  const { namespace = '', name = '' } = input.policy.metadata;
  const field = remoteField(type, family);
  const selectors = rule.peers.filter((p) => !p.ipBlock);
  const remotes = selectors.flatMap((peer) => peerPods(input, namespace, peer));
  // a named port is the selected pods' (ingress) or the peers' (egress; every pod without selector peers)
  const portPods = type === 'Ingress' ? ctx.selected : selectors.length ? remotes : input.pods;
  const ports = portTerms(rule.ports, (port, protocol) => namedPortNumbers(portPods, port, protocol));
  const aclName = `np/${policyName(name)}.${namespace}/${type.toLowerCase()}/${FAMILY_NAME[family]}/${index}`;
  const group = allOf(portGroupTerm(type, pg), 'ip');
  const peerTerms: string[] = [];
  if (!rule.peers.length || selectors.length) {
    const set = addressSetName(pg, type, family, index);
    const addresses = rule.peers.length ? addressesOf(remotes, family) : [ANY[family]];
    ctx.rows.push({
      table: 'Address_Set',
      columns: {
        name: set,
        addresses,
        external_ids: ownerTags(networkPolicyOwner(namespace, name), {
          [NETWORK_POLICY_KEY]: `${namespace}/${policyName(name)}/${type.toLowerCase()}`,
        }),
      },
    });
    peerTerms.push(`${field} == $${set}`);
  }
  for (const peer of rule.peers) {
    const term = peer.ipBlock && ipBlockTerm(peer.ipBlock, field, family);
    if (term) peerTerms.push(term);
  }
  for (const peer of peerTerms) {
    for (const port of ports)
      entry(ctx, POLICY_ALLOW_PRIORITY, allOf(group, peer, port), 'allow-related', aclName);
  }
}

/** The policy's Port_Group, Address_Sets and ACLs, all owned by the policy. */
export function desiredNetworkPolicy(input: NetworkPolicyInput): NetworkPolicyRows {
  const { namespace = '', name = '' } = input.policy.metadata;
  const owner = networkPolicyOwner(namespace, name);
  const pg = portGroupName(namespace, name);
  const selected = selectedPods(input, namespace, input.policy.spec.podSelector);
  const withAddress = selected.filter((p) => p.ips.length);
  const found = familiesOf(withAddress);
  const families: Family[] = found.length ? found : [4];
  const acls: AclEntry[] = [];
  const rows: DesiredRow[] = [];
  for (const type of policyTypesOf(input.policy.spec)) {
    const ctx: DirectionContext = { input, pg, type, families, selected: withAddress, acls, rows };
    baseAcls(ctx, `${namespace}/${name}`);
    for (const family of families)
      rulesOf(input.policy, type).forEach((rule, i) => ruleAcls(ctx, rule, i, family));
  }
  const portGroup: DesiredRow = {
    table: 'Port_Group',
    columns: {
      name: pg,
      ports: withAddress.flatMap((p) => (p.portUuid ? [p.portUuid] : [])).sort(),
      external_ids: ownerTags(owner, { [NETWORK_POLICY_KEY]: `${namespace}/${policyName(name)}` }),
    },
  };
  return {
    rows: [portGroup, ...rows, ...desiredAcls(owner, { table: 'Port_Group', name: pg }, acls)],
    portGroup: pg,
    waitingFor: withAddress.filter((p) => !p.portUuid).map((p) => `${p.namespace}/${p.name}`),
  };
}
