/**
 * VpcDns (`vpc-dnses`, short name `vpc-dns`): a DNS server inside a VPC; one active per VPC. Kube-OVN has no webhook
 * for it and its CRD requires nothing: a missing vpc or subnet, replicas outside the documented 1-3, a subnet outside the
 * VPC and a changed vpc or subnet are warnings; the VpcDns reconciler reports the missing or misplaced ones (inactive,
 * with the reason), deploys the replicas asked for, and re-renders the DNS after a change, as Kube-OVN's controller does
 * (ADR 2).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Bool, Conditions, Int, Opt, Str, resourceSchema } from '../schema/common.ts';
import { clone, column, kubeovnType, type Typed } from '../kind.ts';
import { warning } from '../issues.ts';
import { DEFAULT_VPC_DNS_COREFILE } from '../constants.ts';
import type { KindAdmission } from '../types.ts';
import { immutable } from './immutable.ts';
import type { Subnet } from './subnet-schema.ts';
import { subnetOutsideVpc } from './vpc-subnet.ts';

export const VpcDnsSpec = Type.Object({
  vpc: Opt(Str('The VPC served (immutable)')),
  subnet: Opt(Str('Subnet of the VPC where the DNS pods run (immutable)')),
  replicas: Opt(Int('DNS server replicas (1-3)', { format: 'int32' })),
  corefile: Opt(Str('ConfigMap in kube-system with the Corefile', { default: DEFAULT_VPC_DNS_COREFILE })),
});
export const VpcDnsStatus = Type.Object({
  active: Opt(Bool('Whether this VpcDns serves its VPC')),
  conditions: Opt(Conditions),
});

export type VpcDns = Typed<Static<typeof VpcDnsSpec>, Static<typeof VpcDnsStatus>>;

export const vpcDnsType = kubeovnType(
  { kind: 'VpcDns', plural: 'vpc-dnses', singular: 'vpc-dns', shortNames: ['vpc-dns'] },
  [
    column('Active', 'boolean', '.status.active'),
    column('Vpc', 'string', '.spec.vpc'),
    column('Subnet', 'string', '.spec.subnet'),
    column('Corefile', 'string', '.spec.corefile', { priority: 1 }),
  ],
  resourceSchema('A DNS server inside a VPC', VpcDnsSpec, VpcDnsStatus),
);

export const vpcDnsAdmission: KindAdmission<VpcDns> = {
  default(dns) {
    const out = clone(dns);
    if (out.spec) out.spec.corefile ||= DEFAULT_VPC_DNS_COREFILE;
    return out;
  },
  validate({ operation, object, oldObject, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const issues = [];
    for (const field of ['vpc', 'subnet'] as const) {
      if (!spec?.[field])
        issues.push(warning(`spec.${field}`, 'Required value: this VpcDns stays inactive until it is set'));
    }
    const replicas = spec?.replicas;
    if (replicas !== undefined && replicas !== 0 && (replicas < 1 || replicas > 3)) {
      const what =
        replicas < 0
          ? 'a Deployment cannot have negative replicas; nothing is deployed'
          : `${replicas} replicas are deployed`;
      issues.push(warning('spec.replicas', `Kube-OVN documents 1-3: ${what}`));
    }
    const subnet = spec?.subnet ? (view.get('Subnet', spec.subnet) as Subnet | undefined) : undefined;
    for (const outside of subnetOutsideVpc(spec?.subnet ?? '', subnet, spec?.vpc)) {
      issues.push(
        warning(outside.field, `${outside.message}: this VpcDns stays inactive (reported in its status)`),
      );
    }
    if (operation === 'UPDATE' && oldObject) {
      for (const field of ['vpc', 'subnet'] as const) {
        if (immutable(`spec.${field}`, oldObject.spec?.[field], spec?.[field]).length === 0) continue;
        const why = `documented as immutable by Kube-OVN (was ${JSON.stringify(oldObject.spec?.[field] ?? '')}); the DNS Deployment and SwitchLBRule are re-created from the new spec, and the old place loses this DNS`;
        issues.push(warning(`spec.${field}`, why));
      }
    }
    return issues;
  },
};
