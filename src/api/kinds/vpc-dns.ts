/** VpcDns (`vpc-dnses`, short name `vpc-dns`): a DNS server inside a VPC; one active per VPC. */
import { Type, type Static } from '@sinclair/typebox';
import { Bool, Conditions, Int, Opt, Str, resourceSchema } from '../schema/common.ts';
import { clone, column, kubeovnType, type Typed } from '../kind.ts';
import { required } from '../issues.ts';
import { DEFAULT_VPC_DNS_COREFILE } from '../constants.ts';
import type { KindAdmission } from '../types.ts';
import { immutable } from './immutable.ts';
import type { Subnet } from './subnet-schema.ts';
import { subnetOutsideVpc } from './vpc-subnet.ts';

export const VpcDnsSpec = Type.Object({
  vpc: Str('The VPC served (immutable)'),
  subnet: Str('Subnet of the VPC where the DNS pods run (immutable)'),
  replicas: Opt(Int('DNS server replicas (1-3)', { format: 'int32', minimum: 1, maximum: 3 })),
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
    if (!spec?.vpc) issues.push(required('spec.vpc'));
    if (!spec?.subnet) issues.push(required('spec.subnet'));
    const subnet = spec?.subnet ? (view.get('Subnet', spec.subnet) as Subnet | undefined) : undefined;
    issues.push(...subnetOutsideVpc(spec?.subnet ?? '', subnet, spec?.vpc));
    if (operation === 'UPDATE' && oldObject) {
      issues.push(
        ...immutable('spec.vpc', oldObject.spec?.vpc, spec?.vpc),
        ...immutable('spec.subnet', oldObject.spec?.subnet, spec?.subnet),
      );
    }
    return issues;
  },
};
