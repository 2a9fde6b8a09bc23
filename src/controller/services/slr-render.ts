/**
 * What a SwitchLBRule becomes (as in Kube-OVN's pkg/controller/switch_lb_rule.go), pure: the headless Service
 * `slr-<name>` in `spec.namespace` (default `default`) annotated `ovn.kubernetes.io/switch_lb_vip=<vip>` (with the
 * rule's `logical_router`, `logical_switch` and `service_health_check` annotations copied, as Kube-OVN does, and our
 * `ovn.kubernetes.io/vpc`), its IP families those of the VIP, with the rule's ports (targetPort defaults to port) and
 * session affinity; selecting `spec.selector`'s `key:value` pairs, unless the rule lists explicit `endpoints`: those
 * win (Kube-OVN drops the selector then) and become the Endpoints object of that Service. Both carry an owner
 * reference to the rule (so they go with it) and the label `kovn.io/switch-lb-rule=<name>`. The status: `ports` as
 * `53/UDP,53/TCP` and `service` as `<namespace>/slr-<name>`.
 */
import type { SwitchLbRule } from '../../api/kinds/switch-lb-rule.ts';
import { controllerReference, type KubeObject } from '../../api/types.ts';
import {
  ANNOTATION_LOGICAL_ROUTER,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_SERVICE_HEALTH_CHECK,
  ANNOTATION_SWITCH_LB_VIP,
  ANNOTATION_VPC,
  LABEL_SWITCH_LB_RULE,
} from '../../api/annotations.ts';
import { API_VERSION } from '../../api/constants.ts';
import { parseIp } from '../../net/ip.ts';

export const slrServiceName = (rule: string): string => `slr-${rule}`;
export const slrNamespace = (slr: SwitchLbRule): string => slr.spec?.namespace || 'default';

/** The rule's annotations its Service carries: Kube-OVN's three, and the VPC of addresses with no pod (ours). */
const COPIED_ANNOTATIONS = [
  ANNOTATION_LOGICAL_ROUTER,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_SERVICE_HEALTH_CHECK,
  ANNOTATION_VPC,
];

/** `key:value` entries -> a label selector (the value may itself hold colons). */
export function parseSelector(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const i = entry.indexOf(':');
    if (i > 0) out[entry.slice(0, i).trim()] = entry.slice(i + 1).trim();
  }
  return out;
}

/** Kube-OVN's `getIPFamilies`: the families of the VIP's addresses, sorted; dual-stack preferred with both. */
export function vipFamilies(vip: string): { ipFamilies: string[]; ipFamilyPolicy: string } {
  const families = new Set(
    vip.split(',').flatMap((ip) => {
      const family = parseIp(ip.trim())?.family;
      return family ? [`IPv${family}`] : [];
    }),
  );
  const ipFamilies = [...families].sort();
  return { ipFamilies, ipFamilyPolicy: ipFamilies.length > 1 ? 'PreferDualStack' : 'SingleStack' };
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
  const own = slr.metadata.annotations ?? {};
  return {
    name: slrServiceName(name),
    namespace: slrNamespace(slr),
    labels: { [LABEL_SWITCH_LB_RULE]: name },
    annotations: {
      [ANNOTATION_SWITCH_LB_VIP]: slr.spec?.vip ?? '',
      ...Object.fromEntries(COPIED_ANNOTATIONS.flatMap((key) => (own[key] ? [[key, own[key]]] : []))),
    },
    ownerReferences: [controllerReference(API_VERSION, 'SwitchLBRule', slr)],
  };
}

const explicitEndpoints = (slr: SwitchLbRule): readonly string[] => slr.spec?.endpoints ?? [];

export function slrService(slr: SwitchLbRule): KubeObject {
  const selector = explicitEndpoints(slr).length ? {} : parseSelector(slr.spec?.selector ?? []);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(slr),
    spec: {
      clusterIP: 'None',
      type: 'ClusterIP',
      ...vipFamilies(slr.spec?.vip ?? ''),
      ...(Object.keys(selector).length ? { selector } : {}),
      ports: portsOf(slr),
      sessionAffinity: slr.spec?.sessionAffinity || 'None',
    },
  };
}

/** The Endpoints of a rule with explicit endpoints (none for a selector-based rule: the endpoints controller's). */
export function slrEndpoints(slr: SwitchLbRule): KubeObject | undefined {
  const endpoints = explicitEndpoints(slr);
  if (!endpoints.length) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta(slr),
    subsets: [
      {
        addresses: endpoints.map((ip) => ({ ip })),
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
