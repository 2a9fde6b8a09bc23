/**
 * NetworkPolicy admission as kube-apiserver validates it (pkg/apis/networking/validation ValidateNetworkPolicySpec),
 * each issue naming its field path: `spec.podSelector` required and a valid label selector; `spec.policyTypes`
 * values Ingress/Egress, at most two; per rule port a protocol of TCP, UDP or SCTP, a port that is a number 1-65535
 * or a valid port name, an `endPort` only with a numeric `port` and not below it; per peer exactly one of the
 * selectors or an `ipBlock` (never both), an `ipBlock.cidr` that is a CIDR and each `except` a strict subset of it.
 * The API server serves NetworkPolicy with a permissive schema, so types are checked here too. Pure.
 */
import { invalid, notSupported, required } from '../issues.ts';
import { cidrContains, parseCidr } from '../../net/ip.ts';
import type { FieldIssue, KindAdmission, KubeObject } from '../types.ts';
import { defaultNetworkPolicy, POLICY_TYPES, PORT_PROTOCOLS } from './network-policy.ts';

/** field.Forbidden inside an Invalid (422) answer, as kube-apiserver's spec validation reports it. */
const forbidden = (field: string, message: string): FieldIssue => ({
  field,
  type: 'FieldValueForbidden',
  message,
});

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** IANA_SVC_NAME (validation.IsValidPortName). */
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const CIDR_HINT = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return 'must be no more than 15 characters';
  if (!PORT_NAME.test(name)) return 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter (a-z)';
  return undefined;
}

function labelKeyProblem(key: string): string | undefined {
  const [prefix, name, ...more] = key.includes('/') ? key.split('/') : ['', key];
  if (more.length || name === undefined || name.length > 63 || !LABEL_NAME.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  if (prefix !== undefined && key.includes('/') && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix))
    return 'prefix part must be a DNS-1123 subdomain';
  return undefined;
}

function validateRequirement(req: unknown, at: string): FieldIssue[] {
  if (!isRecord(req)) return [invalid(at, req, 'must be a requirement object')];
  const issues: FieldIssue[] = [];
  const key = req['key'];
  const keyProblem = typeof key === 'string' && key ? labelKeyProblem(key) : 'Required value';
  if (typeof key !== 'string' || !key) issues.push(required(`${at}.key`));
  else if (keyProblem) issues.push(invalid(`${at}.key`, key, keyProblem));
  const op = req['operator'];
  const values = Array.isArray(req['values']) ? req['values'] : [];
  if (typeof op !== 'string' || !SELECTOR_OPERATORS.includes(op))
    issues.push(notSupported(`${at}.operator`, op, SELECTOR_OPERATORS));
  else if ((op === 'In' || op === 'NotIn') && values.length === 0)
    issues.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
  else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0)
    issues.push(
      forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
    );
  return issues;
}

/** metav1validation.ValidateLabelSelector. */
export function validateSelector(selector: unknown, path: string): FieldIssue[] {
  if (!isRecord(selector)) return [invalid(path, selector, 'must be a label selector object')];
  const issues: FieldIssue[] = [];
  const labels = selector['matchLabels'];
  if (labels !== undefined && labels !== null) {
    if (!isRecord(labels)) issues.push(invalid(`${path}.matchLabels`, labels, 'must be a map of strings'));
    else
      for (const [k, v] of Object.entries(labels)) {
        const problem = labelKeyProblem(k);
        if (problem) issues.push(invalid(`${path}.matchLabels`, k, problem));
        if (typeof v !== 'string') issues.push(invalid(`${path}.matchLabels`, v, 'must be a string'));
      }
  }
  const expressions = selector['matchExpressions'];
  if (expressions === undefined || expressions === null) return issues;
  if (!Array.isArray(expressions))
    return [...issues, invalid(`${path}.matchExpressions`, expressions, 'must be a list')];
  expressions.forEach((req: unknown, i) =>
    issues.push(...validateRequirement(req, `${path}.matchExpressions[${i}]`)),
  );
  return issues;
}

function validatePort(port: unknown, path: string): FieldIssue[] {
  if (!isRecord(port)) return [invalid(path, port, 'must be a port object')];
  const issues: FieldIssue[] = [];
  const protocol = port['protocol'];
  if (protocol !== undefined && !(PORT_PROTOCOLS as readonly unknown[]).includes(protocol))
    issues.push(notSupported(`${path}.protocol`, protocol, [...PORT_PROTOCOLS].sort()));
  const value = port['port'];
  const endPort = port['endPort'];
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > 65535)
      issues.push(invalid(`${path}.port`, value, 'must be between 1 and 65535, inclusive'));
  } else if (typeof value === 'string') {
    const problem = portNameProblem(value);
    if (problem) issues.push(invalid(`${path}.port`, value, problem));
  } else if (value !== undefined && value !== null) {
    issues.push(invalid(`${path}.port`, value, 'must be a port number or a port name'));
  }
  if (endPort === undefined || endPort === null) return issues;
  if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort < 1 || endPort > 65535)
    issues.push(invalid(`${path}.endPort`, endPort, 'must be between 1 and 65535, inclusive'));
  else if (value === undefined || value === null)
    issues.push(required(`${path}.port`, 'must specify when `endPort` is specified'));
  else if (typeof value === 'string')
    issues.push(forbidden(`${path}.endPort`, 'may not be specified when `port` is non-numeric'));
  else if (typeof value === 'number' && endPort < value)
    issues.push(invalid(`${path}.endPort`, endPort, 'must be greater than or equal to `port`'));
  return issues;
}

function validateIpBlock(block: unknown, path: string): FieldIssue[] {
  if (!isRecord(block)) return [invalid(path, block, 'must be an ipBlock object')];
  const text = block['cidr'];
  if (text === undefined || text === '') return [required(`${path}.cidr`)];
  const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
  if (!cidr) return [invalid(`${path}.cidr`, text, CIDR_HINT)];
  const except = block['except'];
  if (except === undefined || except === null) return [];
  if (!Array.isArray(except)) return [invalid(`${path}.except`, except, 'must be a list of CIDRs')];
  return except.flatMap((e: unknown, i): FieldIssue[] => {
    const at = `${path}.except[${i}]`;
    const inner = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!inner) return [invalid(at, e, CIDR_HINT)];
    const subset =
      inner.family === cidr.family &&
      inner.prefix > cidr.prefix &&
      cidrContains(cidr, { family: inner.family, value: inner.network });
    return subset ? [] : [invalid(at, e, 'must be a strict subset of `cidr`')];
  });
}

function validatePeer(peer: unknown, path: string): FieldIssue[] {
  if (!isRecord(peer)) return [invalid(path, peer, 'must be a peer object')];
  const present = (k: string) => peer[k] !== undefined && peer[k] !== null;
  const count = ['podSelector', 'namespaceSelector', 'ipBlock'].filter(present).length;
  if (count === 0) return [required(path, 'must specify a peer')];
  if (count > 1 && present('ipBlock'))
    return [forbidden(path, 'may not specify both ipBlock and another peer')];
  const issues: FieldIssue[] = [];
  if (present('podSelector')) issues.push(...validateSelector(peer['podSelector'], `${path}.podSelector`));
  if (present('namespaceSelector'))
    issues.push(...validateSelector(peer['namespaceSelector'], `${path}.namespaceSelector`));
  if (present('ipBlock')) issues.push(...validateIpBlock(peer['ipBlock'], `${path}.ipBlock`));
  return issues;
}

const listAt = (
  value: unknown,
  path: string,
  each: (item: unknown, at: string) => FieldIssue[],
): FieldIssue[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [invalid(path, value, 'must be a list')];
  return value.flatMap((item: unknown, i) => each(item, `${path}[${i}]`));
};

function validateRule(rule: unknown, path: string, peersKey: 'from' | 'to'): FieldIssue[] {
  if (!isRecord(rule)) return [invalid(path, rule, 'must be a rule object')];
  return [
    ...listAt(rule['ports'], `${path}.ports`, validatePort),
    ...listAt(rule[peersKey], `${path}.${peersKey}`, validatePeer),
  ];
}

function validatePolicyTypes(types: unknown): FieldIssue[] {
  if (types === undefined || types === null) return [];
  if (!Array.isArray(types)) return [invalid('spec.policyTypes', types, 'must be a list')];
  const issues = types.flatMap((t: unknown, i) =>
    (POLICY_TYPES as readonly unknown[]).includes(t)
      ? []
      : [notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES)],
  );
  if (types.length > POLICY_TYPES.length)
    issues.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return issues;
}

/** The issues of a NetworkPolicy's spec (empty: valid). */
export function validateNetworkPolicy(object: KubeObject): FieldIssue[] {
  const spec = object['spec'];
  if (!isRecord(spec)) return [required('spec')];
  const selector = spec['podSelector'];
  return [
    ...(selector === undefined || selector === null
      ? [required('spec.podSelector')]
      : validateSelector(selector, 'spec.podSelector')),
    ...listAt(spec['ingress'], 'spec.ingress', (r, at) => validateRule(r, at, 'from')),
    ...listAt(spec['egress'], 'spec.egress', (r, at) => validateRule(r, at, 'to')),
    ...validatePolicyTypes(spec['policyTypes']),
  ];
}

export const networkPolicyAdmission: KindAdmission = {
  default: (object) => defaultNetworkPolicy(object),
  validate: ({ object }) => (object ? validateNetworkPolicy(object) : []),
};
