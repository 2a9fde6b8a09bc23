/**
 * What a SwitchLBRule becomes (as in Kube-OVN's pkg/controller/switch_lb_rule.go), pure: the headless Service
 * `slr-<name>` in `spec.namespace` (default `default`) annotated `ovn.kubernetes.io/switch_lb_vip=<vip>`, selecting
 * `spec.selector`'s `key:value` pairs, with the rule's ports (targetPort defaults to port) and session affinity; for
 * a rule with explicit `endpoints` instead of a selector, also the Endpoints object of that Service. Both carry an
 * owner reference to the rule (so they go with it) and the label `kovn.io/switch-lb-rule=<name>`. The status:
 * `ports` as `53/UDP,53/TCP` and `service` as `<namespace>/slr-<name>`.
 */
import type { SwitchLbRule } from '../../api/kinds/switch-lb-rule.ts';
import { controllerReference, type KubeObject } from '../../api/types.ts';
import { ANNOTATION_SWITCH_LB_VIP, ANNOTATION_VPC, LABEL_SWITCH_LB_RULE } from '../../api/annotations.ts';
import { API_VERSION } from '../../api/constants.ts';

export const slrServiceName = (rule: string): string => `slr-${rule}`;
export const slrNamespace = (slr: SwitchLbRule): string => slr.spec?.namespace || 'default';

/** `key:value` entries -> a label selector (the value may itself hold colons). */
export function parseSelector(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const i = entry.indexOf(':');
    if (i > 0) out[entry.slice(0, i).trim()] = entry.slice(i + 1).trim();
  }
  return out;
}

const portsOf = (slr: SwitchLbRule) =>
  (slr.spec?.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    protocol: (p.protocol ?? 'TCP').toUpperCase(),
  }));

function meta(slr: SwitchLbRule): KubeObject['metadata'] {
  const name = slr.metadata.name ?? '';
  const vpc = slr.metadata.annotations?.[ANNOTATION_VPC];
  return {
    name: slrServiceName(name),
    namespace: slrNamespace(slr),
    labels: { [LABEL_SWITCH_LB_RULE]: name },
    annotations: {
      [ANNOTATION_SWITCH_LB_VIP]: slr.spec?.vip ?? '',
      ...(vpc ? { [ANNOTATION_VPC]: vpc } : {}),
    },
    ownerReferences: [controllerReference(API_VERSION, 'SwitchLBRule', slr)],
  };
}

export function slrService(slr: SwitchLbRule): KubeObject {
  const selector = parseSelector(slr.spec?.selector ?? []);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(slr),
    spec: {
      clusterIP: 'None',
      type: 'ClusterIP',
      ...(Object.keys(selector).length ? { selector } : {}),
      ports: portsOf(slr),
      sessionAffinity: slr.spec?.sessionAffinity || 'None',
    },
  };
}

/** The Endpoints of a rule with explicit endpoints (none for a selector-based rule: the endpoints controller writes those). */
export function slrEndpoints(slr: SwitchLbRule): KubeObject | undefined {
  if (slr.spec?.selector?.length || !slr.spec?.endpoints?.length) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta(slr),
    subsets: [
      {
        addresses: slr.spec.endpoints.map((ip) => ({ ip })),
        ports: portsOf(slr).map((p) => ({ name: p.name, port: p.targetPort, protocol: p.protocol })),
      },
    ],
  };
}

export function slrStatus(slr: SwitchLbRule): { ports: string; service: string } {
  return {
    ports: portsOf(slr)
      .map((p) => `${p.port}/${p.protocol}`)
      .join(','),
    service: `${slrNamespace(slr)}/${slrServiceName(slr.metadata.name ?? '')}`,
  };
}
