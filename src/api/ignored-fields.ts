/**
 * The kubeovn.io fields kovn accepts (they are in the schema, so Kube-OVN manifests apply unchanged) but does not
 * implement, as one table: the admission pipeline (admission.ts) turns each one the user set into a warning, so the
 * API server sends it as a Warning header (kubectl prints `Warning: spec.vlan: ...`), `kovn validate` prints it, the
 * Vpc reconciler puts it in `Validated`, and README's "Fields kovn accepts but ignores" is this table rendered
 * (`ignoredFieldsMarkdown`, checked by a unit test). A field counts as set when it holds a non-default value: `true`,
 * a non-empty string, list or object (an object counts when one of its leaves is set), a non-zero number; an entry
 * may ask for `false` (a default-true field), one value or a number above a bound instead, and may apply only to
 * some objects.
 * Paths use `[i]` for every item of a list; a warning names the item (`spec.staticRoutes[2].bfdId`).
 */
import { DEFAULT_VPC } from './constants.ts';
import { warning } from './issues.ts';
import type { FieldIssue, KubeObject } from './types.ts';

export interface IgnoredField {
  kind: string;
  /** From the object's root, `[i]` for each item of a list. */
  path: string;
  /** Which value warns: set (the default), `false` (a field whose default is true), one value, or a number above. */
  when?: 'set' | 'false' | { equals: string } | { above: number };
  /**
   * Only objects this holds for (e.g. custom-VPC subnets), described for README by `appliesTo`; `example` is spec
   * fields that make an object one of them.
   */
  only?: { appliesTo: string; test: (object: KubeObject) => boolean; example: Record<string, unknown> };
  /** What kovn does instead, or what to use: the warning's tail. */
  reason: string;
}

const spec = (object: KubeObject): Record<string, unknown> =>
  (object as { spec?: Record<string, unknown> }).spec ?? {};
const inCustomVpc = {
  appliesTo: 'subnets of custom VPCs',
  test: (o: KubeObject) => (spec(o)['vpc'] || DEFAULT_VPC) !== DEFAULT_VPC,
  example: { vpc: 'vpc1' },
};

const NO_UNDERLAY = 'underlay (VLAN) networks are not implemented; the subnet is an overlay';
const NO_U2O = 'underlay-to-overlay interconnection is not implemented';
const NO_CENTRALIZED = 'centralized gateways are not implemented; each pod leaves through its own node';
const NO_EGRESS_GW = 'external egress gateways are not implemented';
const NO_DHCP = 'OVN DHCP options are not written; pods get their addresses from the CNI plugin';
const NO_EXTERNAL = 'the router is not connected to an external network; use a VpcNatGateway with EIPs';
const NO_BFD = 'BFD is not implemented';

export const ignoredFields: readonly IgnoredField[] = [
  { kind: 'Subnet', path: 'spec.vlan', reason: NO_UNDERLAY },
  { kind: 'Subnet', path: 'spec.logicalGateway', reason: NO_UNDERLAY },
  { kind: 'Subnet', path: 'spec.u2oInterconnection', reason: NO_U2O },
  { kind: 'Subnet', path: 'spec.u2oInterconnectionIP', reason: NO_U2O },
  { kind: 'Subnet', path: 'spec.u2oFeatures', reason: NO_U2O },
  { kind: 'Subnet', path: 'spec.gatewayType', when: { equals: 'centralized' }, reason: NO_CENTRALIZED },
  { kind: 'Subnet', path: 'spec.gatewayNode', reason: NO_CENTRALIZED },
  { kind: 'Subnet', path: 'spec.gatewayNodeSelectors', reason: NO_CENTRALIZED },
  {
    kind: 'Subnet',
    path: 'spec.natOutgoing',
    only: inCustomVpc,
    reason:
      "it applies to the default VPC's subnets (as in Kube-OVN); a custom VPC's traffic leaves through its VpcNatGateway: use an IptablesSnatRule",
  },
  {
    kind: 'Subnet',
    path: 'spec.natOutgoingPolicyRules',
    reason: 'per-destination SNAT policy rules are not implemented',
  },
  { kind: 'Subnet', path: 'spec.externalEgressGateway', reason: NO_EGRESS_GW },
  { kind: 'Subnet', path: 'spec.policyRoutingPriority', reason: NO_EGRESS_GW },
  { kind: 'Subnet', path: 'spec.policyRoutingTableID', reason: NO_EGRESS_GW },
  { kind: 'Subnet', path: 'spec.mtu', reason: "pod interfaces get the node agent's MTU (--mtu)" },
  { kind: 'Subnet', path: 'spec.vips', reason: 'virtual IPs are not added to pod ports' },
  { kind: 'Subnet', path: 'spec.enableDHCP', reason: NO_DHCP },
  { kind: 'Subnet', path: 'spec.dhcpV4Options', reason: NO_DHCP },
  { kind: 'Subnet', path: 'spec.dhcpV6Options', reason: NO_DHCP },
  { kind: 'Subnet', path: 'spec.enableIPv6RA', reason: 'IPv6 router advertisements are not configured' },
  { kind: 'Subnet', path: 'spec.ipv6RAConfigs', reason: 'IPv6 router advertisements are not configured' },
  { kind: 'Subnet', path: 'spec.allowEWTraffic', reason: 'no east-west allow ACLs are written for it' },
  {
    kind: 'Subnet',
    path: 'spec.enableLb',
    when: 'false',
    reason: "the VPC's load balancers are attached to every switch of the VPC",
  },
  { kind: 'Subnet', path: 'spec.enableEcmp', reason: 'needs enableExternal and BFD, not implemented' },
  { kind: 'Subnet', path: 'spec.enableMulticastSnoop', reason: 'multicast snooping is not configured' },
  {
    kind: 'Subnet',
    path: 'spec.enableExternalLBAddress',
    reason: 'external load balancer addresses are not implemented',
  },
  { kind: 'Subnet', path: 'spec.nodeNetwork', reason: 'underlay node networks are not implemented' },
  { kind: 'Vpc', path: 'spec.enableExternal', reason: NO_EXTERNAL },
  { kind: 'Vpc', path: 'spec.extraExternalSubnets', reason: NO_EXTERNAL },
  { kind: 'Vpc', path: 'spec.enableBfd', reason: NO_BFD },
  { kind: 'Vpc', path: 'spec.bfdPort.enabled', reason: NO_BFD },
  { kind: 'Vpc', path: 'spec.dynamicRouting', reason: 'OVN dynamic routing is not configured' },
  { kind: 'Vpc', path: 'spec.staticRoutes[i].bfdId', reason: NO_BFD },
  {
    kind: 'Vpc',
    path: 'spec.staticRoutes[i].ecmpMode',
    reason: 'it applies to routes Kube-OVN adds for enableExternal, which kovn does not add',
  },
  { kind: 'VpcNatGateway', path: 'spec.qosPolicy', reason: 'QoS policies are not implemented' },
  {
    kind: 'VpcNatGateway',
    path: 'spec.bgpSpeaker.enabled',
    reason: 'the BGP speaker sidecar is not implemented',
  },
  { kind: 'IptablesEIP', path: 'spec.qosPolicy', reason: 'QoS policies are not implemented' },
];

/** Is this value set, as the module header says: true, non-empty, non-zero, or an object with a set leaf? */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(isSet);
  return true;
}

function matches(entry: IgnoredField, value: unknown): boolean {
  const when = entry.when ?? 'set';
  if (when === 'set') return isSet(value);
  if (when === 'false') return value === false;
  if ('equals' in when) return value === when.equals;
  return typeof value === 'number' && value > when.above;
}

/** The values at a path with `[i]` segments, each with its concrete path (`spec.staticRoutes[0].bfdId`). */
export function valuesAt(root: unknown, path: string): { path: string; value: unknown }[] {
  let found: { path: string; value: unknown }[] = [{ path: '', value: root }];
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[i]');
    const key = list ? segment.slice(0, -3) : segment;
    found = found.flatMap(({ path: at, value }) => {
      const child =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      const named = at ? `${at}.${key}` : key;
      if (!list) return [{ path: named, value: child }];
      return Array.isArray(child)
        ? child.map((item: unknown, i) => ({ path: `${named}[${i}]`, value: item }))
        : [];
    });
  }
  return found;
}

const IGNORED = 'kovn ignores this field: ';

/** The warning for an ignored field: `<path>: kovn ignores this field: <reason>`. */
export const ignoredFieldWarning = (path: string, reason: string): FieldIssue =>
  warning(path, `${IGNORED}${reason}`);

/** Is this one of the warnings above (rather than a kind rule's)? */
export const isIgnoredFieldWarning = (issue: { message: string }): boolean =>
  issue.message.startsWith(IGNORED);

/** The warnings for the ignored fields `object` sets (none for a kind outside the table). */
export function ignoredFieldWarnings(object: KubeObject): FieldIssue[] {
  return ignoredFields
    .filter((entry) => entry.kind === object.kind && (!entry.only || entry.only.test(object)))
    .flatMap((entry) =>
      valuesAt(object, entry.path)
        .filter(({ value }) => matches(entry, value))
        .map(({ path }) => ignoredFieldWarning(path, entry.reason)),
    );
}

function describeWhen(entry: IgnoredField): string {
  const when = entry.when ?? 'set';
  const base =
    when === 'set'
      ? 'set'
      : when === 'false'
        ? '`false`'
        : 'equals' in when
          ? `\`${when.equals}\``
          : `above ${when.above}`;
  return entry.only ? `${base}, ${entry.only.appliesTo}` : base;
}

/** README's list: one line per entry, `- Kind \`path\` (when): reason`. */
export function ignoredFieldsMarkdown(): string {
  return ignoredFields
    .map((e) => `- ${e.kind} \`${e.path.replace(/^spec\./, '')}\` (${describeWhen(e)}): ${e.reason}`)
    .join('\n');
}
