/**
 * SwitchLBRule (`switch-lb-rules`, short name `slr`): a VIP load-balanced inside the VPC of its endpoints. Kube-OVN
 * has no webhook for it; kovn refuses what could not become its Service and load balancer (a VIP or endpoint that is
 * not an address, a selector entry that is not `key:value`, an affinity or protocol a Service cannot have) and warns
 * about a rule without backends or ports, which Kube-OVN programs as such (ADR 2).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Int, Opt, Str, StrList, resourceSchema } from '../schema/common.ts';
import { ageColumn, column, kubeovnType, type Typed } from '../kind.ts';
import { invalid, notSupported, required, warning } from '../issues.ts';
import { parseIp } from '../../net/ip.ts';
import type { FieldIssue, KindAdmission } from '../types.ts';

export const SwitchLbRuleSpec = Type.Object({
  vip: Str('Virtual IP'),
  namespace: Opt(Str('Namespace of the generated Service')),
  selector: Opt(StrList('Endpoint pod selector entries "key:value"')),
  endpoints: Opt(StrList('Explicit endpoint IPs')),
  sessionAffinity: Opt(Str('None or ClientIP')),
  ports: Opt(
    Type.Array(
      Type.Object({
        name: Opt(Str('Port name')),
        port: Int('Service port (1-65535)', { format: 'int32', minimum: 1, maximum: 65535 }),
        targetPort: Opt(Int('Target port (1-65535)', { format: 'int32', minimum: 1, maximum: 65535 })),
        protocol: Opt(Str('TCP or UDP')),
      }),
    ),
  ),
});
export const SwitchLbRuleStatus = Type.Object({
  ports: Opt(Str('Configured ports')),
  service: Opt(Str('The generated Service')),
});

export type SwitchLbRule = Typed<Static<typeof SwitchLbRuleSpec>, Static<typeof SwitchLbRuleStatus>>;

export const switchLbRuleType = kubeovnType(
  { kind: 'SwitchLBRule', plural: 'switch-lb-rules', singular: 'switch-lb-rule', shortNames: ['slr'] },
  [
    column('vip', 'string', '.spec.vip'),
    column('port(s)', 'string', '.status.ports'),
    column('service', 'string', '.status.service'),
    ageColumn('age'),
  ],
  resourceSchema('A load-balanced VIP on the switches of one VPC', SwitchLbRuleSpec, SwitchLbRuleStatus),
);

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const AFFINITIES = ['None', 'ClientIP'] as const;

export const switchLbRuleAdmission: KindAdmission<SwitchLbRule> = {
  validate({ operation, object }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const issues: FieldIssue[] = [];
    if (!spec?.vip) issues.push(required('spec.vip'));
    else if (!parseIp(spec.vip)) issues.push(invalid('spec.vip', spec.vip, 'not a valid IP address'));
    if (!spec?.selector?.length && !spec?.endpoints?.length) {
      issues.push(
        warning(
          'spec.selector',
          'neither a selector nor endpoints: the VIP has no backends and answers nothing',
        ),
      );
    }
    (spec?.selector ?? []).forEach((entry, i) => {
      if (!/^[^:]+:.*$/.test(entry))
        issues.push(invalid(`spec.selector[${i}]`, entry, 'expected "key:value"'));
    });
    (spec?.endpoints ?? []).forEach((entry, i) => {
      if (!parseIp(entry)) issues.push(invalid(`spec.endpoints[${i}]`, entry, 'not a valid IP address'));
    });
    if (spec?.sessionAffinity && !(AFFINITIES as readonly string[]).includes(spec.sessionAffinity)) {
      issues.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES));
    }
    if (!spec?.ports?.length)
      issues.push(warning('spec.ports', 'no ports: nothing is load-balanced on the VIP'));
    (spec?.ports ?? []).forEach((p, i) => {
      if (p.protocol && !(PROTOCOLS as readonly string[]).includes(p.protocol.toUpperCase())) {
        issues.push(notSupported(`spec.ports[${i}].protocol`, p.protocol, PROTOCOLS));
      }
    });
    return issues;
  },
};
