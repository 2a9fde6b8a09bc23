/**
 * Admission of IptablesDnatRule, IptablesSnatRule and IptablesFIPRule, refusing exactly what Kube-OVN's webhook
 * refuses (pkg/webhook/vpc_nat_gateway.go ValidateIptablesDnat/Snat/Fip) and warning about the rest (ADR 2):
 * - the NAT feature configured, the EIP named and existing, ports 1-65535, an IP address, tcp or udp: refused (422);
 * - a DNAT of the same (EIP, protocol, external port) as another, not both `share`: refused when both write the port
 *   and protocol alike (the webhook compares them as text), else a warning: "080" is port 80 and "TCP" is tcp to
 *   iptables, and share DNATs to other targets are not balanced by kovn (nat-identity.ts);
 * - a DNAT beside a floating IP (or a FIP beside a DNAT): refused once the EIP has its address (the webhook finds the
 *   rules by the EIP's address label), else a warning;
 * - what Kube-OVN's controller refuses (a second FIP on an EIP) and kovn's own concerns (a duplicate SNAT, a SNAT
 *   beside a FIP, two FIPs for one address): warnings;
 * - IPv6 and dual-stack: kovn's gateway NATs IPv6 too (Kube-OVN's is IPv4 only), so an internal address may be IPv4,
 *   IPv6 or a dual-stack pair `v4,v6` (a SNAT CIDR likewise); another address list is refused (the webhook takes
 *   one address), another CIDR list warned about (the webhook takes any list, the gateway one pair). A family the EIP has no address of is the rule's not-ready reason (natgw/rule-values.ts), warned here
 *   once the EIP has its addresses.
 * Where a warning names two rules, the controller reports the newer Conflict and the gateway skips it
 * (controller/reconcilers/natgw/rule-status.ts, natgw/desired-nat.ts, by the same nat-identity.ts).
 */
import { duplicate, invalid, notSupported, required, warning } from '../issues.ts';
import { parseCidrOrIp, parseIp } from '../../net/ip.ts';
import type { ClusterView, FieldIssue, KindAdmission, KubeObject } from '../types.ts';
import { immutable } from './immutable.ts';
import type { IptablesEip } from './iptables-eip.ts';
import { mustExist, natFeatureIssues } from './nat-config.ts';
import { dnatClash, dnatClashMessage, dnatIdentity, readPort, snatCidr, snatKey } from './nat-identity.ts';
import type { Dnat, Fip, Snat } from './nat-rules.ts';
import { rulesUsingEip } from './nat-usage.ts';

const PROTOCOLS = ['tcp', 'udp'] as const;
const DNAT_TYPES = ['exclusive', 'share'] as const;
/** What becomes of the newer of two rules a warning names. */
const NEWER_LOSES = 'the older rule keeps it: the newer is not ready (Conflict) and not programmed';

function port(field: string, value: string | undefined): FieldIssue[] {
  const reading = readPort(value);
  if (reading.ok) return [];
  if (reading.problem === 'missing') return [required(field)];
  const why = reading.problem === 'not a number' ? 'must be a number' : 'must be between 1 and 65535';
  return [invalid(field, value, why)];
}

/** The families of `v4`, `v6` or `v4,v6`, or why the text is none of those. */
function families(
  value: string,
  read: (part: string) => 4 | 6 | undefined,
  what: string,
): (4 | 6)[] | string {
  const parts = value.split(',');
  const fams = parts.map(read);
  if (fams.some((f) => f === undefined)) return `not a valid ${what}`;
  if (parts.length > 2 || (parts.length === 2 && fams[0] === fams[1]))
    return `one ${what} of each family at most (a dual-stack pair "v4,v6")`;
  return fams as (4 | 6)[];
}

/** The families a rule names that its EIP, with its addresses allocated, has no address of: a warning each. */
function familyWarnings(view: ClusterView, eip: string | undefined, field: string, fams: readonly (4 | 6)[]) {
  const held = eipOf(view, eip ?? '')?.status;
  if (!held?.ip && !held?.v6ip) return [];
  return fams
    .filter((f) => !(f === 4 ? held.ip : held.v6ip))
    .map((f) =>
      warning(
        field,
        `names an IPv${f} address, but eip ${eip ?? ''} has no IPv${f} address (its external subnet has no IPv${f} CIDR); this rule will not be ready`,
      ),
    );
}

/** An IP address (the webhook's net.ParseIP), IPv4 or IPv6, or a dual-stack pair `v4,v6`. */
function address(
  view: ClusterView,
  eip: string | undefined,
  field: string,
  value: string | undefined,
): FieldIssue[] {
  if (!value) return [required(field)];
  const fams = families(value, (p) => parseIp(p)?.family, 'IP address');
  if (typeof fams === 'string') return [invalid(field, value, fams)];
  return familyWarnings(view, eip, field, fams);
}

const common = (view: ClusterView, eip: string | undefined): FieldIssue[] => [
  ...natFeatureIssues(view),
  ...mustExist(view, 'IptablesEIP', eip, 'spec.eip'),
];

const names = (rules: readonly KubeObject[]): string => rules.map((r) => r.metadata.name ?? '').join(', ');

const eipOf = (view: ClusterView, eip: string): IptablesEip | undefined => view.get('IptablesEIP', eip);

/**
 * A floating IP and a port DNAT on one EIP: refused where the webhook sees both (the EIP has its address, so the
 * controller has labelled its rules), else a warning.
 */
function exclusiveUse(view: ClusterView, eip: string, message: string): FieldIssue[] {
  const held = eipOf(view, eip)?.status;
  if (held?.ip || held?.v6ip) return [invalid('spec.eip', eip, message)];
  return [warning('spec.eip', `${message}; ${NEWER_LOSES}`)];
}

/** The DNATs with this one's identity that it may not stand beside: refused when written alike, else a warning. */
function dnatIdentityIssues(view: ClusterView, spec: NonNullable<Dnat['spec']>, self: string): FieldIssue[] {
  const identity = dnatIdentity(spec);
  if (!identity) return [];
  const clashes = (rulesUsingEip(view, 'IptablesDnatRule', spec.eip, self) as Dnat[]).flatMap((holder) => {
    const clash = dnatClash(holder.spec ?? {}, spec);
    return clash ? [{ holder, clash }] : [];
  });
  const alike = clashes.find(
    ({ holder, clash }) =>
      clash === 'exclusive' &&
      holder.spec?.externalPort === spec.externalPort &&
      holder.spec.protocol === spec.protocol,
  );
  const found = alike ?? clashes[0];
  if (!found) return [];
  const message = dnatClashMessage(identity, found.holder.metadata.name ?? '', found.clash);
  if (alike) return [duplicate('spec.externalPort', spec.externalPort, message)];
  return [warning('spec.externalPort', `${message}; ${NEWER_LOSES}`)];
}

export const dnatAdmission: KindAdmission<Dnat> = {
  validate({ operation, object, oldObject, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const issues = [
      ...common(view, spec?.eip),
      ...port('spec.externalPort', spec?.externalPort),
      ...port('spec.internalPort', spec?.internalPort),
      ...address(view, spec?.eip, 'spec.internalIp', spec?.internalIp),
    ];
    const protocol = spec?.protocol?.toLowerCase();
    if (!protocol || !(PROTOCOLS as readonly string[]).includes(protocol))
      issues.push(notSupported('spec.protocol', spec?.protocol ?? '', PROTOCOLS));
    if (spec?.type && !(DNAT_TYPES as readonly string[]).includes(spec.type))
      issues.push(notSupported('spec.type', spec.type, DNAT_TYPES));
    if (operation === 'UPDATE')
      issues.push(...immutable('spec.type', oldObject?.spec?.type || 'exclusive', spec?.type || 'exclusive'));
    if (!spec?.eip) return issues;
    const self = object.metadata.name ?? '';
    const fips = rulesUsingEip(view, 'IptablesFIPRule', spec.eip, self);
    if (fips.length) {
      const why = `eip ${spec.eip} is used by the floating IP ${names(fips)}, which takes every connection to the EIP (a port DNAT beside it would never see traffic)`;
      issues.push(...exclusiveUse(view, spec.eip, why));
    }
    issues.push(...dnatIdentityIssues(view, spec, self));
    return issues;
  },
};

/**
 * The webhook's CheckCidrs (each comma-separated part a CIDR; kovn also takes a bare address), then kovn's: one
 * CIDR, or a dual-stack pair `v4,v6`.
 */
function snatCidrIssues(view: ClusterView, eip: string | undefined, text: string | undefined): FieldIssue[] {
  if (!text) return [required('spec.internalCIDR')];
  if (!text.split(',').every((part) => parseCidrOrIp(part.trim())))
    return [invalid('spec.internalCIDR', text, 'not a valid CIDR or IP address')];
  const fams = families(text, (p) => parseCidrOrIp(p.trim())?.family, 'CIDR');
  if (typeof fams !== 'string') return familyWarnings(view, eip, 'spec.internalCIDR', fams);
  // The webhook takes any list of CIDRs; the gateway programs one CIDR or one pair.
  const why = `${text}: ${fams}: the gateway takes one CIDR per SNAT, or a dual-stack pair (Kube-OVN's controller takes one CIDR); this rule will not be ready`;
  return [warning('spec.internalCIDR', why, 'controller')];
}

export const snatAdmission: KindAdmission<Snat> = {
  validate({ operation, object, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const self = object.metadata.name ?? '';
    const issues = [...common(view, spec?.eip), ...snatCidrIssues(view, spec?.eip, spec?.internalCIDR)];
    const key = spec && snatKey(spec);
    if (!spec?.eip || !key) return issues;
    const fips = rulesUsingEip(view, 'IptablesFIPRule', spec.eip, self);
    if (fips.length) {
      const why = `eip ${spec.eip} is also used by the floating IP ${names(fips)}, which takes every new inbound connection to it; this SNAT's traffic leaves through it too (both are programmed, as in Kube-OVN)`;
      issues.push(warning('spec.eip', why));
    }
    for (const other of rulesUsingEip(view, 'IptablesSnatRule', spec.eip, self) as Snat[]) {
      if (!other.spec || snatKey(other.spec) !== key) continue;
      const why = `snat ${other.metadata.name ?? ''} already translates ${snatCidr(spec.internalCIDR) ?? ''} to eip ${spec.eip}; ${NEWER_LOSES}`;
      issues.push(warning('spec.internalCIDR', why));
    }
    return issues;
  },
};

const natGwOf = (view: ClusterView, eip: string): string | undefined => eipOf(view, eip)?.spec?.natGwDp;

/** Other floating IPs on the same gateway for the same internal address: both work, egress takes one EIP. */
function sameAddress(view: ClusterView, spec: NonNullable<Fip['spec']>, self: string): FieldIssue[] {
  const gateway = natGwOf(view, spec.eip);
  if (!gateway) return [];
  return (view.list('IptablesFIPRule') as Fip[])
    .filter((f) => f.metadata.name !== self && f.spec?.internalIp === spec.internalIp)
    .filter((f) => f.spec?.eip !== spec.eip && natGwOf(view, f.spec?.eip ?? '') === gateway)
    .map((f) =>
      warning(
        'spec.internalIp',
        `${spec.internalIp} already has floating IP ${f.metadata.name ?? ''} on gateway ${gateway}: both are programmed, and new connections from ${spec.internalIp} leave through one EIP only (that of the floating IP whose name sorts first)`,
      ),
    );
}

export const fipAdmission: KindAdmission<Fip> = {
  validate({ operation, object, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const self = object.metadata.name ?? '';
    const issues = [
      ...common(view, spec?.eip),
      ...address(view, spec?.eip, 'spec.internalIp', spec?.internalIp),
    ];
    if (!spec?.eip) return issues;
    const dnats = rulesUsingEip(view, 'IptablesDnatRule', spec.eip, self);
    if (dnats.length) {
      const why = `eip ${spec.eip} is used by the DNAT ${names(dnats)}; a floating IP takes every connection to the EIP, shadowing port DNATs`;
      issues.push(...exclusiveUse(view, spec.eip, why));
    }
    const fips = rulesUsingEip(view, 'IptablesFIPRule', spec.eip, self);
    if (fips.length) {
      const why = `eip ${spec.eip} is used by the other fip ${names(fips)} (Kube-OVN's controller refuses a second floating IP on an EIP too); ${NEWER_LOSES}`;
      issues.push(warning('spec.eip', why, 'controller'));
    }
    const snats = rulesUsingEip(view, 'IptablesSnatRule', spec.eip, self);
    if (snats.length) {
      const why = `eip ${spec.eip} is also used by the SNAT ${names(snats)}: this floating IP takes every new inbound connection to it, and the SNAT's traffic leaves through it too (both are programmed, as in Kube-OVN)`;
      issues.push(warning('spec.eip', why));
    }
    if (spec.internalIp) issues.push(...sameAddress(view, spec, self));
    return issues;
  },
};
