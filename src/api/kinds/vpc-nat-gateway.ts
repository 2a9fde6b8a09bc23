/**
 * VpcNatGateway (`vpc-nat-gateways`, short name `vpc-nat-gw`): the iptables NAT gateway pod of a VPC. Admission as
 * Kube-OVN's webhook (pkg/webhook/vpc_nat_gateway.go ValidateVpcNatGW, VpcNatGwCreateOrUpdateHook), plus kovn's
 * refusals of what would mis-program the VPC (a subnet of another VPC, lanIp = the subnet gateway, a bad route next
 * hop) and a warning for a node selector entry that is ignored (ADR 2).
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Bool,
  FreeForm,
  Int,
  Opt,
  Str,
  StrList,
  StringMap,
  Toleration,
  resourceSchema,
} from '../schema/common.ts';
import { ageColumn, column, kubeovnType, type Typed } from '../kind.ts';
import { forbidden, invalid, notSupported, required, warning } from '../issues.ts';
import { DEFAULT_EXTERNAL_NETWORK, MAX_NAT_GW_WORKLOAD_NAME } from '../constants.ts';
import { LABEL_NAT_GW_NAME } from '../annotations.ts';
import { cidrContains, parseIp } from '../../net/ip.ts';
import type { FieldIssue, KindAdmission } from '../types.ts';
import { immutable } from './immutable.ts';
import { mustExist, natFeatureIssues, natGwPrefix } from './nat-config.ts';
import type { Subnet } from './subnet-schema.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import { subnetOutsideVpc } from './vpc-subnet.ts';
import { haGatewayIssues } from './vpc-nat-gateway-ha.ts';

export const VpcNatGatewaySpec = Type.Object({
  vpc: Str('The VPC this gateway serves'),
  subnet: Str('Subnet of the VPC where the gateway LAN interface (eth0) lives'),
  lanIp: Opt(Str('Static IP of eth0 in the subnet: the next hop of the VPC default route')),
  externalSubnets: Opt(
    StrList(
      'External networks, one NIC each (net1, net2, ...); the default route goes out of the first (default ovn-vpc-external-network)',
    ),
  ),
  selector: Opt(StrList('Node selector entries "key: value"')),
  tolerations: Opt(Type.Array(Toleration)),
  affinity: Opt(FreeForm('Pod/node affinity of the gateway pod')),
  qosPolicy: Opt(Str()),
  bgpSpeaker: Opt(FreeForm('BGP speaker sidecar settings')),
  routes: Opt(Type.Array(Type.Object({ cidr: Opt(Str()), nextHopIP: Opt(Str()) }))),
  noDefaultEIP: Opt(Bool('Give net1 no address and no default route')),
  annotations: Opt(StringMap('Extra pod template annotations')),
  namespace: Opt(Str('Namespace of the gateway workload (default: the controller namespace)')),
  replicas: Opt(
    Int(
      'Gateway instances, one per node (more than 1: HA, an active instance and standbys; lanIp is ignored)',
      {
        format: 'int32',
        minimum: 1,
      },
    ),
  ),
  bfd: Opt(
    Type.Object(
      {
        enabled: Opt(Bool('BFD-checked instances (HA only); not supported yet, must be false')),
        minRX: Opt(
          Int('BFD minimum receive interval, ms (default 1000)', {
            format: 'int32',
            minimum: 1,
            maximum: 3600000,
          }),
        ),
        minTX: Opt(
          Int('BFD minimum transmit interval, ms (default 1000)', {
            format: 'int32',
            minimum: 1,
            maximum: 3600000,
          }),
        ),
        multiplier: Opt(
          Int('BFD detection multiplier (default 3)', { format: 'int32', minimum: 1, maximum: 255 }),
        ),
      },
      { description: 'BFD health checking of HA instances (Kube-OVN v1.17)' },
    ),
  ),
  internalSubnets: Opt(
    StrList('Subnets (by name) whose traffic the VPC routes to the HA gateway (replicas > 1)'),
  ),
  internalCIDRs: Opt(
    StrList('CIDRs whose traffic the VPC routes to the HA gateway (replicas > 1), with internalSubnets'),
  ),
});

export const VpcNatGatewayStatus = Type.Object({
  ready: Opt(Bool()),
  lanIp: Opt(Str()),
  qosPolicy: Opt(Str()),
  externalSubnets: Opt(StrList()),
  selector: Opt(StrList()),
  tolerations: Opt(Type.Array(Toleration)),
  affinity: Opt(FreeForm()),
  replicas: Opt(Int()),
  internalSubnets: Opt(StrList()),
  internalCIDRs: Opt(StrList()),
  workload: Opt(
    Type.Object({ apiVersion: Opt(Str()), kind: Opt(Str()), name: Opt(Str()), nodes: Opt(StrList()) }),
  ),
  conditions: Opt(Type.Array(FreeForm())),
});

export type VpcNatGatewaySpec = Static<typeof VpcNatGatewaySpec>;
export type VpcNatGateway = Typed<VpcNatGatewaySpec, Static<typeof VpcNatGatewayStatus>>;

export const vpcNatGatewayType = kubeovnType(
  {
    kind: 'VpcNatGateway',
    plural: 'vpc-nat-gateways',
    singular: 'vpc-nat-gateway',
    shortNames: ['vpc-nat-gw'],
  },
  [
    column('Namespace', 'string', '.spec.namespace'),
    column('Vpc', 'string', '.spec.vpc'),
    column('Subnet', 'string', '.spec.subnet'),
    column('IPs', 'string', '.status.lanIp'),
    column('Replicas', 'integer', '.spec.replicas'),
    column('Ready', 'boolean', '.status.ready'),
    column('BFD', 'boolean', '.spec.bfd.enabled', { priority: 1 }),
    ageColumn(),
  ],
  resourceSchema(
    'A NAT gateway of a VPC: EIPs, DNAT, SNAT and floating IPs',
    VpcNatGatewaySpec,
    VpcNatGatewayStatus,
  ),
);

/**
 * The gateway's external subnets in NIC order (`net1`, `net2`, ...): `spec.externalSubnets` without empty names and
 * repeats (a repeat would be a second NIC on one network), none = `ovn-vpc-external-network`.
 */
export function natGatewayExternalSubnets(gw: VpcNatGateway | undefined): string[] {
  const listed = (gw?.spec?.externalSubnets ?? []).filter((s) => s !== '');
  return listed.length ? [...new Set(listed)] : [DEFAULT_EXTERNAL_NETWORK];
}

const TAINT_OPERATORS = ['Equal', 'Exists'] as const;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

function validateGateway(
  gw: VpcNatGateway,
  view: Parameters<KindAdmission['validate']>[0]['view'],
): FieldIssue[] {
  const spec = gw.spec;
  const name = gw.metadata.name ?? '';
  const issues = natFeatureIssues(view);
  const workload = `${natGwPrefix(view)}-${name}`;
  if (workload.length > MAX_NAT_GW_WORKLOAD_NAME) {
    issues.push(
      invalid(
        'metadata.name',
        name,
        `workload name ${workload} has ${workload.length} characters, more than ${MAX_NAT_GW_WORKLOAD_NAME}; choose a shorter NAT gateway name`,
      ),
    );
  }
  issues.push(
    ...mustExist(view, 'Vpc', spec?.vpc, 'spec.vpc'),
    ...mustExist(view, 'Subnet', spec?.subnet, 'spec.subnet'),
  );
  const subnet = spec?.subnet ? (view.get('Subnet', spec.subnet) as Subnet | undefined) : undefined;
  issues.push(...subnetOutsideVpc(spec?.subnet ?? '', subnet, spec?.vpc));
  if ((spec?.replicas ?? 1) <= 1) {
    if (!spec?.lanIp) issues.push(required('spec.lanIp', 'lanIp must be specified'));
    else {
      const ip = parseIp(spec.lanIp);
      const cidrs = blockCidrs(subnet?.spec?.cidrBlock) ?? [];
      if (!ip) issues.push(invalid('spec.lanIp', spec.lanIp, 'not a valid IP address'));
      else if (subnet && !cidrs.some((c) => cidrContains(c, ip))) {
        issues.push(
          invalid(
            'spec.lanIp',
            spec.lanIp,
            `not in subnet ${spec.subnet} (cidr ${subnet.spec?.cidrBlock ?? ''})`,
          ),
        );
      } else if (subnet && (subnet.spec?.gateway ?? '').split(',').includes(spec.lanIp)) {
        issues.push(invalid('spec.lanIp', spec.lanIp, `is the gateway of subnet ${spec.subnet}`));
      }
    }
  }
  issues.push(...haGatewayIssues(spec, view));
  (spec?.selector ?? []).forEach((entry, i) => {
    if (!/^[^:]+:[^:]*$/.test(entry) || !entry.split(':')[0]!.trim()) {
      issues.push(
        warning(
          `spec.selector[${i}]`,
          `${JSON.stringify(entry)} is not "key: value": the entry is ignored (as by Kube-OVN), so it does not constrain where the gateway pod runs`,
        ),
      );
    }
  });
  (spec?.tolerations ?? []).forEach((t, i) => {
    if (t.operator && !(TAINT_OPERATORS as readonly string[]).includes(t.operator))
      issues.push(notSupported(`spec.tolerations[${i}].operator`, t.operator, TAINT_OPERATORS));
    if (t.effect && !(TAINT_EFFECTS as readonly string[]).includes(t.effect))
      issues.push(notSupported(`spec.tolerations[${i}].effect`, t.effect, TAINT_EFFECTS));
  });
  (spec?.routes ?? []).forEach((route, i) => {
    if (route.nextHopIP && route.nextHopIP !== 'gateway' && !parseIp(route.nextHopIP)) {
      issues.push(
        invalid(`spec.routes[${i}].nextHopIP`, route.nextHopIP, 'not a valid IP address (or "gateway")'),
      );
    }
  });
  return issues;
}

export const vpcNatGatewayAdmission: KindAdmission<VpcNatGateway> = {
  validate({ operation, object, oldObject, view }) {
    if (operation === 'DELETE') {
      const name = oldObject?.metadata.name ?? '';
      const eips = view
        .list('IptablesEIP')
        .filter(
          (e) =>
            e.metadata.labels?.[LABEL_NAT_GW_NAME] === name ||
            (e.spec as { natGwDp?: string } | undefined)?.natGwDp === name,
        );
      if (eips.length) {
        const names = eips
          .map((e) => e.metadata.name ?? '')
          .sort()
          .join(', ');
        return [
          forbidden('metadata.name', `vpc-nat-gateway ${name} cannot be deleted while EIPs use it: ${names}`),
        ];
      }
      return [];
    }
    if (!object) return [];
    const issues = validateGateway(object, view);
    if (operation === 'UPDATE' && oldObject) {
      issues.push(
        ...immutable('spec.vpc', oldObject.spec?.vpc, object.spec?.vpc),
        ...immutable('spec.subnet', oldObject.spec?.subnet, object.spec?.subnet),
        ...immutable('spec.namespace', oldObject.spec?.namespace, object.spec?.namespace),
      );
      const wasHa = (oldObject.spec?.replicas ?? 1) > 1;
      const isHa = (object.spec?.replicas ?? 1) > 1;
      if (wasHa !== isHa)
        issues.push(
          invalid(
            'spec.replicas',
            object.spec?.replicas ?? 1,
            'switching between 1 and more than 1 replicas is not supported; delete and re-create instead',
          ),
        );
    }
    return issues;
  },
};
