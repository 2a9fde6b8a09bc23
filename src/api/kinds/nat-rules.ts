/**
 * IptablesDnatRule (`dnat`), IptablesSnatRule (`snat`) and IptablesFIPRule (`fip`): schemas and validation. The
 * identities and the rules for sharing an EIP are nat-identity.ts's (shared with the controller and the gateway):
 * DNAT = EIP + protocol + external port (a number), SNAT = EIP + normalised CIDR; DNAT and SNAT may share an EIP; a
 * floating IP needs its EIP alone.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Bool, FreeForm, Opt, Str, resourceSchema } from '../schema/common.ts';
import { column, kubeovnType, type Typed } from '../kind.ts';
import { conflict, invalid, notSupported, required } from '../issues.ts';
import { parseIp } from '../../net/ip.ts';
import type { ClusterView, FieldIssue, KindAdmission, KubeObject, PrinterColumn } from '../types.ts';
import { immutable } from './immutable.ts';
import { mustExist, natFeatureIssues } from './nat-config.ts';
import {
  dnatClashMessage,
  dnatIdentity,
  firstDnatClash,
  mayShareEip,
  readPort,
  snatCidr,
  snatKey,
  type NatKind,
} from './nat-identity.ts';
import { rulesUsingEip, type NatRuleKind } from './nat-usage.ts';

const RuleStatus = {
  ready: Opt(Bool()),
  v4ip: Opt(Str()),
  v6ip: Opt(Str()),
  natGwDp: Opt(Str()),
  redo: Opt(Str()),
  conditions: Opt(Type.Array(FreeForm())),
};

export const DnatSpec = Type.Object({
  eip: Str('The IptablesEIP'),
  externalPort: Str('External port (1-65535)'),
  protocol: Str('tcp or udp'),
  internalIp: Str('Internal IPv4 address'),
  internalPort: Str('Internal port (1-65535)'),
  type: Opt(Str('exclusive (default) or share')),
});
export const SnatSpec = Type.Object({
  eip: Str('The IptablesEIP'),
  internalCIDR: Str('Internal IPv4 CIDR (or a bare IPv4 address) translated to the EIP'),
});
export const FipSpec = Type.Object({
  eip: Str('The IptablesEIP'),
  internalIp: Str('Internal IPv4 address mapped one to one to the EIP'),
});

export type Dnat = Typed<Static<typeof DnatSpec>, { ready?: boolean; v4ip?: string; natGwDp?: string }>;
export type Snat = Typed<Static<typeof SnatSpec>, { ready?: boolean; v4ip?: string; natGwDp?: string }>;
export type Fip = Typed<Static<typeof FipSpec>, { ready?: boolean; v4ip?: string; natGwDp?: string }>;

const ready = column('Ready', 'boolean', '.status.ready');
const natGwDp = column('NatGwDp', 'string', '.status.natGwDp');
const v4ip = column('V4ip', 'string', '.status.v4ip');
const v6ip = column('V6ip', 'string', '.status.v6ip', { priority: 1 });

/** A NAT rule kind: `iptables-<short>-rules`, short name `<short>`; its status is RuleStatus plus spec copies. */
function natRuleType(
  kind: string,
  short: NatKind,
  description: string,
  columns: PrinterColumn[],
  spec: TObject,
  statusCopies: TProperties,
) {
  const singular = `iptables-${short}-rule`;
  return kubeovnType(
    { kind, plural: `${singular}s`, singular, shortNames: [short] },
    columns,
    resourceSchema(description, spec, Type.Object({ ...RuleStatus, ...statusCopies })),
  );
}

export const dnatType = natRuleType(
  'IptablesDnatRule',
  'dnat',
  'A DNAT rule: EIP:port to an internal IP:port',
  [
    column('Eip', 'string', '.spec.eip'),
    column('Protocol', 'string', '.spec.protocol'),
    v4ip,
    v6ip,
    column('InternalIp', 'string', '.spec.internalIp'),
    column('ExternalPort', 'string', '.spec.externalPort'),
    column('InternalPort', 'string', '.spec.internalPort'),
    column('Type', 'string', '.spec.type', { priority: 1 }),
    natGwDp,
    ready,
  ],
  DnatSpec,
  {
    protocol: Opt(Str()),
    internalIp: Opt(Str()),
    internalPort: Opt(Str()),
    externalPort: Opt(Str()),
  },
);

export const snatType = natRuleType(
  'IptablesSnatRule',
  'snat',
  'An SNAT rule: an internal CIDR leaves through an EIP',
  [
    column('EIP', 'string', '.spec.eip'),
    v4ip,
    v6ip,
    column('InternalCIDR', 'string', '.spec.internalCIDR'),
    natGwDp,
    ready,
  ],
  SnatSpec,
  { internalCIDR: Opt(Str()) },
);

export const fipType = natRuleType(
  'IptablesFIPRule',
  'fip',
  'A floating IP: an EIP mapped one to one to an internal IP',
  [
    column('Eip', 'string', '.spec.eip'),
    v4ip,
    column('InternalIp', 'string', '.spec.internalIp'),
    v6ip,
    ready,
    natGwDp,
  ],
  FipSpec,
  { internalIp: Opt(Str()) },
);

const PROTOCOLS = ['tcp', 'udp'] as const;
const DNAT_TYPES = ['exclusive', 'share'] as const;
/** The kinds of rule on one EIP, in the order messages list them. */
const EIP_USERS: NatRuleKind[] = ['IptablesDnatRule', 'IptablesSnatRule', 'IptablesFIPRule'];
const SHORT: Record<NatRuleKind, NatKind> = {
  IptablesDnatRule: 'dnat',
  IptablesSnatRule: 'snat',
  IptablesFIPRule: 'fip',
};

function port(field: string, value: string | undefined): FieldIssue[] {
  const reading = readPort(value);
  if (reading.ok) return [];
  if (reading.problem === 'missing') return [required(field)];
  return [
    invalid(
      field,
      value,
      reading.problem === 'not a number' ? 'must be a number' : 'must be between 1 and 65535',
    ),
  ];
}

function ipv4(field: string, value: string | undefined): FieldIssue[] {
  if (!value) return [required(field)];
  return parseIp(value)?.family === 4 ? [] : [invalid(field, value, 'not a valid IPv4 address')];
}

function common(view: ClusterView, eip: string | undefined): FieldIssue[] {
  return [...natFeatureIssues(view), ...mustExist(view, 'IptablesEIP', eip, 'spec.eip')];
}

const names = (rules: KubeObject[]): string =>
  rules.map((r) => `${r.kind}/${r.metadata.name ?? ''}`).join(', ');

/** The rules already on `eip` that a new rule of `kind` may not stand beside (mayShareEip). */
const cannotShareWith = (view: ClusterView, kind: NatRuleKind, eip: string, self: string): KubeObject[] =>
  EIP_USERS.filter((other) => !mayShareEip(SHORT[other], SHORT[kind])).flatMap((other) =>
    rulesUsingEip(view, other, eip, self),
  );

/** A DNAT or SNAT on an EIP a floating IP holds. */
function besideFip(view: ClusterView, kind: NatRuleKind, eip: string, self: string): FieldIssue[] {
  const fips = cannotShareWith(view, kind, eip, self);
  return fips.length
    ? [
        conflict(
          'spec.eip',
          eip,
          `eip ${eip} is used by the floating IP ${names(fips)}, which requires exclusive use of the EIP`,
        ),
      ]
    : [];
}

export const dnatAdmission: KindAdmission<Dnat> = {
  validate({ operation, object, oldObject, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const self = object.metadata.name ?? '';
    const issues = [
      ...common(view, spec?.eip),
      ...port('spec.externalPort', spec?.externalPort),
      ...port('spec.internalPort', spec?.internalPort),
      ...ipv4('spec.internalIp', spec?.internalIp),
    ];
    const protocol = spec?.protocol?.toLowerCase();
    if (!protocol || !(PROTOCOLS as readonly string[]).includes(protocol))
      issues.push(notSupported('spec.protocol', spec?.protocol ?? '', PROTOCOLS));
    if (spec?.type && !(DNAT_TYPES as readonly string[]).includes(spec.type))
      issues.push(notSupported('spec.type', spec.type, DNAT_TYPES));
    if (operation === 'UPDATE')
      issues.push(...immutable('spec.type', oldObject?.spec?.type || 'exclusive', spec?.type || 'exclusive'));
    if (!spec?.eip) return issues;
    issues.push(...besideFip(view, 'IptablesDnatRule', spec.eip, self));
    const identity = dnatIdentity(spec);
    const found =
      identity && firstDnatClash(rulesUsingEip(view, 'IptablesDnatRule', spec.eip, self) as Dnat[], spec);
    if (identity && found) {
      const { holder, clash } = found;
      issues.push(
        conflict(
          'spec.externalPort',
          spec.externalPort,
          dnatClashMessage(identity, holder.metadata.name ?? '', clash),
        ),
      );
    }
    return issues;
  },
};

export const snatAdmission: KindAdmission<Snat> = {
  validate({ operation, object, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const self = object.metadata.name ?? '';
    const issues = common(view, spec?.eip);
    const cidr = snatCidr(spec?.internalCIDR);
    if (!spec?.internalCIDR) issues.push(required('spec.internalCIDR'));
    else if (!cidr)
      issues.push(invalid('spec.internalCIDR', spec.internalCIDR, 'not a valid IPv4 CIDR or address'));
    if (!spec?.eip || !cidr) return issues;
    issues.push(...besideFip(view, 'IptablesSnatRule', spec.eip, self));
    const key = snatKey(spec);
    for (const other of rulesUsingEip(view, 'IptablesSnatRule', spec.eip, self) as Snat[]) {
      if (other.spec && snatKey(other.spec) === key) {
        issues.push(
          conflict(
            'spec.internalCIDR',
            spec.internalCIDR,
            `snat ${other.metadata.name ?? ''} already translates ${cidr} to eip ${spec.eip}`,
          ),
        );
      }
    }
    return issues;
  },
};

const natGwOf = (view: ClusterView, eip: string): string | undefined =>
  (view.get('IptablesEIP', eip)?.spec as { natGwDp?: string } | undefined)?.natGwDp;

export const fipAdmission: KindAdmission<Fip> = {
  validate({ operation, object, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const self = object.metadata.name ?? '';
    const issues = [...common(view, spec?.eip), ...ipv4('spec.internalIp', spec?.internalIp)];
    if (!spec?.eip) return issues;
    const others = cannotShareWith(view, 'IptablesFIPRule', spec.eip, self);
    if (others.length) {
      issues.push(
        conflict(
          'spec.eip',
          spec.eip,
          `a floating IP needs its EIP alone, but eip ${spec.eip} is used by ${names(others)}`,
        ),
      );
    }
    const gateway = natGwOf(view, spec.eip);
    for (const fip of view.list('IptablesFIPRule') as Fip[]) {
      if (fip.metadata.name === self || fip.spec?.internalIp !== spec.internalIp || !gateway) continue;
      if (natGwOf(view, fip.spec.eip) === gateway) {
        issues.push(
          conflict(
            'spec.internalIp',
            spec.internalIp,
            `${spec.internalIp} already has floating IP ${fip.metadata.name ?? ''} on gateway ${gateway}`,
          ),
        );
      }
    }
    return issues;
  },
};
