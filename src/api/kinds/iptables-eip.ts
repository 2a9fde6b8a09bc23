/** IptablesEIP (`iptables-eips`, short name `eip`): an external address of a NAT gateway. */
import { Type, type Static } from '@sinclair/typebox';
import { Bool, FreeForm, Opt, Str, resourceSchema } from '../schema/common.ts';
import { column, kubeovnType, type Typed } from '../kind.ts';
import { forbidden, invalid, required, warning } from '../issues.ts';
import { DEFAULT_EXTERNAL_NETWORK } from '../constants.ts';
import { cidrContains, parseIp } from '../../net/ip.ts';
import type { ClusterView, FieldIssue, KindAdmission } from '../types.ts';
import { immutable } from './immutable.ts';
import { mustExist, natFeatureIssues } from './nat-config.ts';
import type { Subnet } from './subnet-schema.ts';
import { natGatewayExternalSubnets, type VpcNatGateway } from './vpc-nat-gateway.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import { NAT_RULE_KINDS, rulesUsingEip } from './nat-usage.ts';

export const IptablesEipSpec = Type.Object({
  natGwDp: Str('The VpcNatGateway holding this EIP'),
  v4ip: Opt(Str('A fixed IPv4 address in the external subnet; allocated when empty')),
  v6ip: Opt(Str('A fixed IPv6 address in a dual-stack or IPv6 external subnet; allocated there when empty')),
  macAddress: Opt(Str('MAC address allocated with the EIP')),
  externalSubnet: Opt(
    Str(
      'External subnet of the address, one of its gateway externalSubnets (default: the gateway first one)',
    ),
  ),
  qosPolicy: Opt(Str()),
  namespace: Opt(Str('Namespace of the gateway pod')),
});

export const IptablesEipStatus = Type.Object({
  ready: Opt(Bool()),
  ip: Opt(Str('The IPv4 address in use')),
  v6ip: Opt(Str('The IPv6 address in use (kovn; Kube-OVN leaves the IPv6 status a TODO)')),
  nat: Opt(Str('Rule kinds using this EIP, ordered dnat,fip,snat')),
  redo: Opt(Str()),
  qosPolicy: Opt(Str()),
  conditions: Opt(Type.Array(FreeForm())),
});

export type IptablesEipSpec = Static<typeof IptablesEipSpec>;
export type IptablesEip = Typed<IptablesEipSpec, Static<typeof IptablesEipStatus>>;

export const iptablesEipType = kubeovnType(
  { kind: 'IptablesEIP', plural: 'iptables-eips', singular: 'iptables-eip', shortNames: ['eip'] },
  [
    column('Namespace', 'string', '.spec.namespace', { priority: 1 }),
    column('ExternalSubnet', 'string', '.spec.externalSubnet'),
    column('IP', 'string', '.status.ip'),
    column('Mac', 'string', '.spec.macAddress'),
    column('Nat', 'string', '.status.nat'),
    column('NatGwDp', 'string', '.spec.natGwDp'),
    column('Ready', 'boolean', '.status.ready'),
  ],
  resourceSchema('An elastic IP of a VPC NAT gateway', IptablesEipSpec, IptablesEipStatus),
);

/**
 * The EIP's external subnet: `spec.externalSubnet`; absent, its gateway's first external subnet (Kube-OVN takes
 * `ovn-vpc-external-network` whatever the gateway, which is the same for a gateway on the default network; kovn
 * follows the gateway, so an EIP of a gateway on other networks lands on one of its NICs); no gateway known, Kube-OVN's
 * default.
 */
export function eipExternalSubnet(eip: IptablesEip, gateway: VpcNatGateway | undefined): string {
  return (
    eip.spec?.externalSubnet || (gateway ? natGatewayExternalSubnets(gateway)[0]! : DEFAULT_EXTERNAL_NETWORK)
  );
}

/** Why the EIP's subnet is none of its gateway's NICs' (the gateway known), or undefined. */
export function eipOffGateway(subnet: string, gateway: VpcNatGateway | undefined): string | undefined {
  if (!gateway) return undefined;
  const nics = natGatewayExternalSubnets(gateway);
  if (nics.includes(subnet)) return undefined;
  return `${subnet} is not an external subnet of vpc-nat-gateway ${gateway.metadata.name ?? ''} (it has ${nics
    .map((n, i) => `net${i + 1} on ${n}`)
    .join(', ')})`;
}

function validateAddresses(eip: IptablesEip, view: ClusterView): FieldIssue[] {
  const spec = eip.spec;
  const gateway = view.get('VpcNatGateway', spec?.natGwDp ?? '') as VpcNatGateway | undefined;
  const subnetName = eipExternalSubnet(eip, gateway);
  const issues = mustExist(view, 'Subnet', subnetName, 'spec.externalSubnet');
  // Kube-OVN's webhook has no such check (its gateway puts such an EIP on its first NIC); accepted with a warning,
  // since the gateway may be given the subnet later: until then the EIP is not ready and says why.
  const off = eipOffGateway(subnetName, gateway);
  if (off) issues.push(warning('spec.externalSubnet', `${off}: the EIP will not be ready until it is`));
  const subnet = view.get('Subnet', subnetName) as Subnet | undefined;
  const cidrs = blockCidrs(subnet?.spec?.cidrBlock) ?? [];
  for (const [field, family] of [
    ['v4ip', 4],
    ['v6ip', 6],
  ] as const) {
    const value = spec?.[field];
    if (!value) continue;
    const ip = parseIp(value);
    if (!ip || ip.family !== family) {
      issues.push(
        invalid(
          `spec.${field}`,
          value,
          `not a valid IPv${family} address${value !== value.toLowerCase() ? ' (must be lower case)' : ''}`,
        ),
      );
    } else if (subnet && !cidrs.some((c) => cidrContains(c, ip))) {
      issues.push(
        invalid(
          `spec.${field}`,
          value,
          `not in the range of subnet ${subnetName} (cidr ${subnet.spec?.cidrBlock ?? ''})`,
        ),
      );
    }
  }
  return issues;
}

export const iptablesEipAdmission: KindAdmission<IptablesEip> = {
  validate({ operation, object, oldObject, view }) {
    if (operation === 'DELETE') {
      if (!oldObject) return [];
      const users = NAT_RULE_KINDS.flatMap((kind) =>
        rulesUsingEip(view, kind, oldObject.metadata.name ?? ''),
      );
      if (!users.length) return [];
      const names = users.map((r) => `${r.kind}/${r.metadata.name ?? ''}`).join(', ');
      return [
        forbidden(
          'metadata.name',
          `eip ${oldObject.metadata.name ?? ''} is still in use by ${names}; delete those rules first`,
        ),
      ];
    }
    if (!object) return [];
    const issues = [...natFeatureIssues(view)];
    if (!object.spec?.natGwDp)
      issues.push(required('spec.natGwDp', 'the NAT gateway (natGwDp) cannot be empty'));
    issues.push(...validateAddresses(object, view));
    if (operation === 'UPDATE' && oldObject) {
      if (oldObject.spec?.natGwDp)
        issues.push(...immutable('spec.natGwDp', oldObject.spec.natGwDp, object.spec?.natGwDp));
      if (oldObject.status?.ready) {
        const hint = 'the EIP is ready; create a new EIP instead';
        for (const field of ['v4ip', 'v6ip', 'macAddress', 'externalSubnet'] as const) {
          issues.push(...immutable(`spec.${field}`, oldObject.spec?.[field], object.spec?.[field], hint));
        }
      }
    }
    return issues;
  },
};
