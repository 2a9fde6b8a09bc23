/**
 * What enqueues the NAT keys (guideline 3: cross-kind references map back to the owning key). A gateway: its
 * StatefulSet, its pod's node, the NAT ConfigMaps (all gateways), the subnets that shape its template. An EIP: the
 * rules naming it (old and new name, so a moved rule updates both `nat` fields), its gateway pod's report or
 * existence, its subnet while it waits for an address, its gateway's spec (its default subnet, its NICs). A rule:
 * its EIP, its gateway pod's report, its rivals of the same identity and the rules of the kind it may not share its
 * EIP with (conflicts are decided between them).
 */
import { CONTROLLER_NAMESPACE, NAT_GW_CONFIG, NAT_GW_ENABLE_CONFIG } from '../../../api/constants.ts';
import type { IptablesEip } from '../../../api/kinds/iptables-eip.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { ClusterView, KubeObject } from '../../../api/types.ts';
import { keyOf } from '../../../kube/queue/keys.ts';
import type { WatchMapping } from '../../../kube/reconciler.ts';
import { sameJson } from '../../../kube/writer.ts';
import { ANNOTATION_NAT_APPLIED } from '../../../api/annotations.ts';
import {
  RULE_KINDS,
  eipNameOf,
  externalSubnetNames,
  externalSubnetOf,
  gatewayOfPod,
  type RuleKind,
} from './names.ts';
import { eipRivalKinds, rulesWithIdentity } from './rule-status.ts';

/** Only a change of the agent's report on a pod matters to EIPs and rules (adds and deletes always do). */
const identityMayHaveChanged = (rule: KubeObject, old: KubeObject): boolean =>
  !sameJson(rule['spec'], old['spec']) ||
  !rule.metadata.deletionTimestamp !== !old.metadata.deletionTimestamp;

const reportChanged = (pod: KubeObject, old: KubeObject): boolean =>
  pod.metadata.annotations?.[ANNOTATION_NAT_APPLIED] !== old.metadata.annotations?.[ANNOTATION_NAT_APPLIED];

const eipKeys = (name: string) => (name ? [keyOf('IptablesEIP', name)] : []);

const allGateways = (view: ClusterView): string[] =>
  view.list('VpcNatGateway').map((g) => keyOf('VpcNatGateway', g.metadata.name ?? ''));

const ownerGateway = (obj: KubeObject): string[] =>
  (obj.metadata.ownerReferences ?? [])
    .filter((o) => o.kind === 'VpcNatGateway')
    .map((o) => keyOf('VpcNatGateway', o.name));

/** What an instance's route and status depend on: node, phase, readiness, deletion, addresses. */
const instanceChanged = (pod: KubeObject, old: KubeObject): boolean => {
  const facts = (p: KubeObject) => ({
    node: (p['spec'] as { nodeName?: string } | undefined)?.nodeName,
    status: p['status'],
    deleting: !!p.metadata.deletionTimestamp,
    annotations: Object.fromEntries(
      Object.entries(p.metadata.annotations ?? {}).filter(([k]) => k.endsWith('.kubernetes.io/ip_address')),
    ),
  });
  return !sameJson(facts(pod), facts(old));
};

export const gatewayWatches: readonly WatchMapping[] = [
  { kind: 'StatefulSet', map: ownerGateway },
  {
    kind: 'Pod',
    map: (pod) => {
      const gw = gatewayOfPod(pod);
      return gw ? [keyOf('VpcNatGateway', gw)] : [];
    },
    // Its node (status.workload); for an HA gateway also whether it is live and its address (the VPC's routes).
    changed: (pod, old) => gatewayOfPod(pod) !== undefined && instanceChanged(pod, old),
  },
  {
    kind: 'ConfigMap',
    map: (cm, view) =>
      cm.metadata.namespace === CONTROLLER_NAMESPACE &&
      (cm.metadata.name === NAT_GW_CONFIG || cm.metadata.name === NAT_GW_ENABLE_CONFIG)
        ? allGateways(view)
        : [],
  },
  {
    kind: 'Subnet',
    // The LAN subnet, the external subnets and the VPC's other subnets all shape the pod template.
    map: (subnet, view) =>
      (view.list('VpcNatGateway') as VpcNatGateway[])
        .filter((g) => {
          const s = subnet as Subnet;
          const name = s.metadata.name ?? '';
          return (
            g.spec?.subnet === name ||
            externalSubnetNames(g).includes(name) ||
            (s.spec?.vpc !== undefined && s.spec.vpc === g.spec?.vpc)
          );
        })
        .map((g) => keyOf('VpcNatGateway', g.metadata.name ?? '')),
  },
];

export const eipWatches: readonly WatchMapping[] = [
  {
    // Its gateway decides its default subnet and whether the gateway has a NIC on its subnet.
    kind: 'VpcNatGateway',
    map: (gw, view) =>
      view
        .list('IptablesEIP')
        .filter((e) => (e as IptablesEip).spec?.natGwDp === gw.metadata.name)
        .map((e) => keyOf('IptablesEIP', e.metadata.name ?? '')),
    changed: (gw, old) => !sameJson(gw['spec'], old['spec']),
  },
  ...RULE_KINDS.map((kind) => ({
    kind,
    map: (rule: Parameters<typeof eipNameOf>[0]) => eipKeys(eipNameOf(rule)),
  })),
  {
    kind: 'Pod',
    map: (pod, view) => {
      const gw = gatewayOfPod(pod);
      return gw
        ? view
            .list('IptablesEIP')
            .filter((e) => (e as IptablesEip).spec?.natGwDp === gw)
            .map((e) => keyOf('IptablesEIP', e.metadata.name ?? ''))
        : [];
    },
    changed: reportChanged,
  },
  {
    kind: 'Subnet',
    // An EIP waiting for its subnet (or for room in it).
    map: (subnet, view) =>
      view
        .list('IptablesEIP')
        .filter(
          (e) =>
            !(e as IptablesEip).status?.ip &&
            !(e as IptablesEip).status?.v6ip &&
            externalSubnetOf(e as IptablesEip, view) === subnet.metadata.name,
        )
        .map((e) => keyOf('IptablesEIP', e.metadata.name ?? '')),
  },
];

const keysOf = (kind: RuleKind, rules: readonly KubeObject[]): string[] =>
  rules.map((r) => keyOf(kind, r.metadata.name ?? ''));

export function ruleWatches(kind: RuleKind): readonly WatchMapping[] {
  return [
    {
      kind: 'IptablesEIP',
      map: (eip, view) =>
        keysOf(
          kind,
          view.list(kind).filter((r) => eipNameOf(r) === eip.metadata.name),
        ),
    },
    {
      kind: 'Pod',
      map: (pod, view) => {
        const gw = gatewayOfPod(pod);
        if (!gw) return [];
        const eips = new Set(
          view
            .list('IptablesEIP')
            .filter((e) => (e as IptablesEip).spec?.natGwDp === gw)
            .map((e) => e.metadata.name ?? ''),
        );
        return keysOf(
          kind,
          view.list(kind).filter((r) => eips.has(eipNameOf(r))),
        );
      },
      changed: reportChanged,
    },
    // A rule's rivals (same identity) decide its conflict: they are looked at again when it comes, goes, or its
    // spec or deletion mark changes (not on its status and label writes, which decide nothing for them).
    {
      kind,
      map: (rule, view) =>
        keysOf(
          kind,
          rulesWithIdentity(kind, rule, view).filter((r) => r.metadata.name !== rule.metadata.name),
        ),
      changed: identityMayHaveChanged,
    },
    // So do the rules of another kind on its EIP that it may not share it with (a floating IP and a port DNAT).
    ...eipRivalKinds(kind).map((other) => ({
      kind: other,
      map: (rival: KubeObject, view: ClusterView) =>
        keysOf(
          kind,
          view.list(kind).filter((r) => eipNameOf(r) === eipNameOf(rival)),
        ),
      changed: identityMayHaveChanged,
    })),
  ];
}
