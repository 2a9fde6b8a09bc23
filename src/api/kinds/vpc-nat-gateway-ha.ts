/**
 * Admission of a VpcNatGateway's HA fields (Kube-OVN v1.17, PR #6661; kovn's behaviour in ADR 37): `replicas` (the
 * schema's minimum 1; more than 1 runs that many instances, one per node), `internalSubnets` / `internalCIDRs`
 * (whose traffic the VPC routes to the active instance), `bfd` (its timers' ranges are the schema's, as Kube-OVN's
 * CRD). What kovn does not do yet is refused, never accepted and ignored: `bfd.enabled: true` (no BFD peer runs in
 * the gateway yet) and IPv6 `internalCIDRs` (the reroute policies to the active instance are IPv4 only). What Kube-OVN accepts and ignores
 * is accepted with a warning saying so: `lanIp` with more than one replica, internal subnets and CIDRs with one.
 */
import { forbidden, invalid, warning } from '../issues.ts';
import type { ClusterView, FieldIssue } from '../types.ts';
import { parseCidrBlock } from '../../net/cidr-block.ts';
import { parseCidr } from '../../net/ip.ts';
import type { Subnet } from './subnet-schema.ts';

/** Is this gateway an HA one, several instances (Kube-OVN's `IsNatGwHAMode`)? */
export const isHaGateway = (gw: { spec?: { replicas?: number } } | undefined): boolean =>
  (gw?.spec?.replicas ?? 1) > 1;

/** The gateway spec fields read here (vpc-nat-gateway.ts has the schema). */
interface HaSpec {
  vpc?: string;
  subnet?: string;
  lanIp?: string;
  replicas?: number;
  bfd?: { enabled?: boolean };
  internalSubnets?: string[];
  internalCIDRs?: string[];
}

function internalSubnetIssues(spec: HaSpec, view: ClusterView): FieldIssue[] {
  return (spec.internalSubnets ?? []).flatMap((name, i): FieldIssue[] => {
    const field = `spec.internalSubnets[${i}]`;
    const subnet = view.get('Subnet', name) as Subnet | undefined;
    if (!subnet)
      return [
        warning(field, `subnet ${name} does not exist: its traffic is routed to the gateway once it does`),
      ];
    const vpc = subnet.spec?.vpc;
    if (vpc && vpc !== spec.vpc)
      return [invalid(field, name, `subnet ${name} is in vpc ${vpc}, not in the gateway's vpc ${spec.vpc}`)];
    const block = parseCidrBlock(subnet.spec?.cidrBlock);
    if (block.v6 && !block.v4)
      return [
        invalid(
          field,
          name,
          `subnet ${name} is IPv6 only; the HA routes to the active instance are IPv4 only yet`,
        ),
      ];
    if (block.v6)
      return [
        warning(
          field,
          `only ${block.v4?.text ?? ''} of subnet ${name} is routed: the HA routes to the active instance are IPv4 only yet`,
        ),
      ];
    return [];
  });
}

function internalCidrIssues(spec: HaSpec): FieldIssue[] {
  return (spec.internalCIDRs ?? []).flatMap((text, i): FieldIssue[] => {
    const field = `spec.internalCIDRs[${i}]`;
    const cidr = parseCidr(text);
    if (!cidr) return [invalid(field, text, 'not a valid CIDR')];
    if (cidr.family === 6)
      return [forbidden(field, `${text}: the HA routes to the active instance are IPv4 only yet`)];
    return [];
  });
}

export function haGatewayIssues(spec: HaSpec | undefined, view: ClusterView): FieldIssue[] {
  if (!spec) return [];
  const issues: FieldIssue[] = [];
  const ha = (spec.replicas ?? 1) > 1;
  if (spec.bfd?.enabled) {
    issues.push(
      forbidden(
        'spec.bfd.enabled',
        "BFD-checked gateway instances are not supported yet; leave it false (the VPC routes to the active instance, chosen from the pods' readiness)",
      ),
    );
  }
  if (ha && spec.lanIp) {
    issues.push(
      warning(
        'spec.lanIp',
        `ignored with replicas ${spec.replicas} (as by Kube-OVN): every instance takes its own address from subnet ${spec.subnet}; status.lanIp lists them`,
      ),
    );
  }
  if (!ha && (spec.internalSubnets?.length || spec.internalCIDRs?.length)) {
    const field = spec.internalSubnets?.length ? 'spec.internalSubnets' : 'spec.internalCIDRs';
    issues.push(
      warning(
        field,
        'ignored with one replica (as by Kube-OVN): a single-instance gateway is reached by the VPC static route to its lanIp',
      ),
    );
  }
  issues.push(...internalSubnetIssues(spec, view), ...internalCidrIssues(spec));
  return issues;
}
