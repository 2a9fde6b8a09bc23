/**
 * Vpc (`vpcs`, short name `vpc`): a tenant network, realised as its own OVN logical router.
 * Schema, defaults (static route policy `policyDst`, nextHopIP blanked for non-reroute policies) and validation
 * (routes and policies in vpc-routes.ts, whose priority warnings name the allow policies of this VPC's subnets;
 * peerings in vpc-peering.ts, whose pair rules read the peer VPC and both VPCs' subnets).
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Bool,
  Conditions,
  FreeForm,
  Int,
  LabelSelector,
  Opt,
  Str,
  StrList,
  resourceSchema,
} from '../schema/common.ts';
import { ageColumn, clone, column, kubeovnType, type Typed } from '../kind.ts';
import { forbidden, warning } from '../issues.ts';
import { DEFAULT_VPC } from '../constants.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import type { ClusterView, FieldIssue, KindAdmission } from '../types.ts';
import { immutable } from './immutable.ts';
import {
  KUBE_OVN_POLICY_PRIORITIES,
  subnetAllowMatch,
  validatePolicyRoutes,
  validateStaticRoutes,
  type SubnetAllow,
} from './vpc-routes.ts';
import type { Subnet } from './subnet-schema.ts';
import { vpcSubnetNameClash } from './vpc-subnet.ts';
import { validatePeeringEntries, validatePeeringsAgainstCluster } from './vpc-peering.ts';

export { POLICY_ACTIONS, ROUTE_POLICIES } from './vpc-routes.ts';

const StaticRoute = Type.Object({
  policy: Opt(Str('policyDst (default) or policySrc')),
  cidr: Str('Destination (policyDst) or source (policySrc) CIDR, or a bare IP'),
  nextHopIP: Str('Next hop IP address'),
  ecmpMode: Opt(Str('ECMP mode of routes the controller adds itself')),
  bfdId: Opt(Str('UUID of an OVN BFD row')),
  routeTable: Opt(Str('Route table name; empty is the main table')),
});

const PolicyRoute = Type.Object({
  priority: Opt(Int('Priority of the policy route (0-32767)', { minimum: 0, maximum: 32767 })),
  match: Opt(Str('OVN match expression')),
  action: Opt(Str('allow, drop or reroute')),
  nextHopIP: Opt(Str('Next hop(s) for reroute; a comma-separated list is an ECMP group')),
});

export const VpcSpec = Type.Object({
  defaultSubnet: Opt(Str('The subnet namespaces of this VPC use by default')),
  namespaces: Opt(StrList('Namespaces that may use this VPC')),
  staticRoutes: Opt(Type.Array(StaticRoute, { description: 'Static routes of the VPC router' })),
  policyRoutes: Opt(Type.Array(PolicyRoute, { description: 'Policy routes of the VPC router' })),
  vpcPeerings: Opt(
    Type.Array(
      Type.Object({
        remoteVpc: Opt(Str('The peer VPC')),
        localConnectIP: Opt(Str('Local address of the peering link, as a CIDR')),
      }),
    ),
  ),
  enableExternal: Opt(Bool('Connect the router to the OVN external switch')),
  extraExternalSubnets: Opt(StrList('Extra external subnets (immutable after creation)')),
  enableBfd: Opt(Bool('Enable BFD for external routes')),
  bfdPort: Opt(
    Type.Object({
      enabled: Opt(Bool('Enable the BFD port')),
      ip: Opt(Str('IP address(es) of the BFD port')),
      nodeSelector: Opt(LabelSelector),
    }),
  ),
  dynamicRouting: Opt(FreeForm('OVN dynamic routing configuration')),
});

export const VpcStatus = Type.Object({
  conditions: Opt(Conditions),
  standby: Opt(Bool()),
  default: Opt(Bool()),
  defaultLogicalSwitch: Opt(Str()),
  router: Opt(Str()),
  tcpLoadBalancer: Opt(Str()),
  udpLoadBalancer: Opt(Str()),
  sctpLoadBalancer: Opt(Str()),
  tcpSessionLoadBalancer: Opt(Str()),
  udpSessionLoadBalancer: Opt(Str()),
  sctpSessionLoadBalancer: Opt(Str()),
  subnets: Opt(StrList()),
  vpcPeerings: Opt(StrList()),
  enableExternal: Opt(Bool()),
  extraExternalSubnets: Opt(StrList()),
  enableBfd: Opt(Bool()),
  bfdPort: Opt(Type.Object({ name: Opt(Str()), ip: Opt(Str()), nodes: Opt(StrList()) })),
});

export type VpcSpec = Static<typeof VpcSpec>;
export type VpcStatus = Static<typeof VpcStatus>;
export type Vpc = Typed<VpcSpec, VpcStatus>;

export const vpcType = kubeovnType(
  { kind: 'Vpc', plural: 'vpcs', singular: 'vpc', shortNames: ['vpc'] },
  [
    column('EnableExternal', 'boolean', '.status.enableExternal'),
    column('EnableBfd', 'boolean', '.status.enableBfd'),
    column('Standby', 'boolean', '.status.standby'),
    column('Subnets', 'string', '.status.subnets'),
    column('ExtraExternalSubnets', 'string', '.status.extraExternalSubnets'),
    column('Namespaces', 'string', '.spec.namespaces'),
    column('DefaultSubnet', 'string', '.status.defaultLogicalSwitch'),
    ageColumn(),
  ],
  resourceSchema('A VPC: a tenant network with its own OVN logical router', VpcSpec, VpcStatus),
);

function defaultVpc(vpc: Vpc): Vpc {
  const out = clone(vpc);
  for (const route of out.spec?.staticRoutes ?? []) route.policy ||= 'policyDst';
  for (const policy of out.spec?.policyRoutes ?? []) {
    if (policy.action !== 'reroute' && policy.nextHopIP !== undefined) delete policy.nextHopIP;
  }
  return out;
}

/** The allow policies kovn writes for the subnets of VPC `vpc` (a subnet naming no VPC is the default VPC's). */
export function subnetAllows(view: ClusterView, vpc: string): SubnetAllow[] {
  return (view.list('Subnet') as Subnet[])
    .filter((s) => (s.spec?.vpc || DEFAULT_VPC) === vpc && !s.metadata.deletionTimestamp)
    .flatMap((s) =>
      (blockCidrs(s.spec?.cidrBlock) ?? []).map((cidr) => ({
        subnet: s.metadata.name ?? '',
        match: subnetAllowMatch(cidr),
      })),
    );
}

export function validateVpcSpec(
  spec: VpcSpec | undefined,
  allows: readonly SubnetAllow[] = [],
  name = '',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  issues.push(...validateStaticRoutes(spec?.staticRoutes ?? []));
  issues.push(...validatePolicyRoutes(spec?.policyRoutes ?? [], allows));
  issues.push(...validatePeeringEntries(name, spec?.vpcPeerings ?? []));
  return issues;
}

export const vpcAdmission: KindAdmission<Vpc> = {
  default: defaultVpc,
  validate({ operation, object, oldObject, view }) {
    if (operation === 'DELETE') {
      const subnets = oldObject?.status?.subnets ?? [];
      const name = oldObject?.metadata.name ?? '';
      const live = view.list('Subnet').filter((s) => (s.spec as { vpc?: string } | undefined)?.vpc === name);
      const names = [...new Set([...subnets, ...live.map((s) => s.metadata.name ?? '')])].sort();
      if (names.length) {
        return [
          forbidden(
            'metadata.name',
            `can't delete vpc when any subnet in the vpc (vpc ${name} has subnets ${names.join(', ')}: delete them first)`,
          ),
        ];
      }
      return [];
    }
    const name = object?.metadata.name ?? '';
    // The subnets are read only for a policy next to their allows (a Vpc reconcile must not scan them for nothing).
    const near = (object?.spec?.policyRoutes ?? []).some(
      (p) => (p.priority ?? 0) >= KUBE_OVN_POLICY_PRIORITIES.min,
    );
    const issues = validateVpcSpec(object?.spec, near ? subnetAllows(view, name) : [], name);
    if (object) issues.push(...validatePeeringsAgainstCluster(object, oldObject, view));
    if (operation === 'CREATE') issues.push(...vpcSubnetNameClash(view, 'Subnet', name));
    const extra = immutable(
      'spec.extraExternalSubnets',
      oldObject?.spec?.extraExternalSubnets,
      object?.spec?.extraExternalSubnets,
    );
    if (operation === 'UPDATE' && name !== DEFAULT_VPC && extra.length) {
      issues.push(
        warning(
          'spec.extraExternalSubnets',
          'documented as immutable by Kube-OVN; kovn does not program extra external subnets, so the change has no effect',
        ),
      );
    }
    return issues;
  },
};
