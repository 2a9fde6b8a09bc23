/**
 * IP (`ips`, short name `ip`): the record of one pod NIC's allocation, named like its logical switch port
 * (`<pod>.<namespace>`, `<pod>.<namespace>.<provider>`); `spec.podType` names the workload that keeps the address
 * when the pod goes (Kube-OVN's `KindStatefulSet`, else empty).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Opt, Str, StrList, resourceSchema } from '../schema/common.ts';
import { column, kubeovnType, type Typed } from '../kind.ts';
import { invalid } from '../issues.ts';
import { parseIp } from '../../net/ip.ts';
import type { FieldIssue, KindAdmission } from '../types.ts';

export const IpSpec = Type.Object({
  podName: Opt(Str()),
  namespace: Opt(Str()),
  subnet: Opt(Str()),
  attachSubnets: Opt(StrList()),
  nodeName: Opt(Str()),
  ipAddress: Opt(Str('Addresses, comma-separated for dual stack')),
  v4IpAddress: Opt(Str()),
  v6IpAddress: Opt(Str()),
  attachIps: Opt(StrList()),
  macAddress: Opt(Str()),
  attachMacs: Opt(StrList()),
  containerID: Opt(Str()),
  podType: Opt(Str()),
});

export type IpObject = Typed<Static<typeof IpSpec>>;

/** `spec.podType` of a StatefulSet pod's IP objects [util.KindStatefulSet]. */
export const POD_TYPE_STATEFULSET = 'StatefulSet';

export const ipType = kubeovnType(
  { kind: 'IP', plural: 'ips', singular: 'ip', shortNames: ['ip'] },
  [
    column('V4IP', 'string', '.spec.v4IpAddress'),
    column('V6IP', 'string', '.spec.v6IpAddress'),
    column('Mac', 'string', '.spec.macAddress'),
    column('Node', 'string', '.spec.nodeName'),
    column('Subnet', 'string', '.spec.subnet'),
  ],
  resourceSchema('An address allocation record', IpSpec, Type.Object({})),
);

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export const ipAdmission: KindAdmission<IpObject> = {
  validate({ operation, object }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec ?? {};
    const issues: FieldIssue[] = [];
    if (spec.v4IpAddress && parseIp(spec.v4IpAddress)?.family !== 4)
      issues.push(invalid('spec.v4IpAddress', spec.v4IpAddress, 'not a valid IPv4 address'));
    if (spec.v6IpAddress && parseIp(spec.v6IpAddress)?.family !== 6)
      issues.push(invalid('spec.v6IpAddress', spec.v6IpAddress, 'not a valid IPv6 address'));
    if (spec.macAddress && !MAC.test(spec.macAddress))
      issues.push(invalid('spec.macAddress', spec.macAddress, 'not a valid MAC address'));
    return issues;
  },
};
