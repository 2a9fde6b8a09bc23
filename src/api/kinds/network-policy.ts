/**
 * networking.k8s.io/v1 NetworkPolicy: its shape, kube-apiserver's defaults (SetDefaults_NetworkPolicy: `policyTypes`
 * is `[Ingress]`, plus `Egress` when egress rules exist; a port's protocol is `TCP`), the readers the controller uses
 * (`policyTypesOf` applies the same defaults to a stored object that lacks them), its admission is in
 * network-policy-validate.ts. The API server serves the kind as a built-in (apiserver/resources/builtin/networking.ts).
 */
import type { LabelSelector } from '../label-selector.ts';
import type { KubeObject } from '../types.ts';

export type PolicyType = 'Ingress' | 'Egress';
export const POLICY_TYPES: readonly PolicyType[] = ['Ingress', 'Egress'];
export const PORT_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

export interface IpBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IpBlock;
}

export interface NetworkPolicyPort {
  protocol?: PortProtocol;
  /** A number, or the name of a container port of the pods the rule is about. */
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export interface NetworkPolicy extends KubeObject {
  spec: NetworkPolicySpec;
}

/** The policy types in effect, with kube-apiserver's default for a policy that names none. */
export function policyTypesOf(spec: Partial<NetworkPolicySpec> | undefined): PolicyType[] {
  const named = (spec?.policyTypes ?? []).filter((t): t is PolicyType => POLICY_TYPES.includes(t));
  if (named.length) return [...new Set(named)];
  return (spec?.egress ?? []).length ? ['Ingress', 'Egress'] : ['Ingress'];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function defaultPorts(rules: unknown): void {
  if (!Array.isArray(rules)) return;
  for (const rule of rules) {
    if (!isRecord(rule) || !Array.isArray(rule['ports'])) continue;
    for (const port of rule['ports'])
      if (isRecord(port) && port['protocol'] === undefined) port['protocol'] = 'TCP';
  }
}

/** kube-apiserver's defaults, on a copy. */
export function defaultNetworkPolicy(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  const spec = copy['spec'];
  if (!isRecord(spec)) return copy;
  if (!Array.isArray(spec['policyTypes']) || spec['policyTypes'].length === 0) {
    spec['policyTypes'] = policyTypesOf(spec);
  }
  defaultPorts(spec['ingress']);
  defaultPorts(spec['egress']);
  return copy;
}
