/**
 * IptablesDnatRule (`dnat`), IptablesSnatRule (`snat`) and IptablesFIPRule (`fip`): schemas and validation,
 * including the identities (DNAT = eip+externalPort+protocol, SNAT = eip+internalCIDR) and EIP sharing rules:
 * DNAT and SNAT may share an EIP; a floating IP needs its EIP alone.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Bool, FreeForm, Opt, Str, resourceSchema } from '../schema/common.ts';
import { column, kubeovnType, type Typed } from '../kind.ts';
import { conflict, invalid, notSupported, required } from '../issues.ts';
import { formatCidr, parseCidrOrIp, parseIp } from '../../net/ip.ts';
import type { ClusterView, FieldIssue, KindAdmission, KubeObject } from '../types.ts';
import { immutable } from './immutable.ts';
import { mustExist, natFeatureIssues } from './nat-config.ts';
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

export const dnatType = kubeovnType(
  {
    kind: 'IptablesDnatRule',
    plural: 'iptables-dnat-rules',
    singular: 'iptables-dnat-rule',
    shortNames: ['dnat'],
  },
  [
    column('Eip', 'string', '.spec.eip'),
    column('Protocol', 'string', '.spec.protocol'),
    column('V4ip', 'string', '.status.v4ip'),
    column('V6ip', 'string', '.status.v6ip', { priority: 1 }),
    column('InternalIp', 'string', '.spec.internalIp'),
    column('ExternalPort', 'string', '.spec.externalPort'),
    column('InternalPort', 'string', '.spec.internalPort'),
    column('Type', 'string', '.spec.type', { priority: 1 }),
    natGwDp,
    ready,
  ],
  resourceSchema(
    'A DNAT rule: EIP:port to an internal IP:port',
    DnatSpec,
    Type.Object({
      ...RuleStatus,
      protocol: Opt(Str()),
      internalIp: Opt(Str()),
      internalPort: Opt(Str()),
      externalPort: Opt(Str()),
    }),
  ),
);

export const snatType = kubeovnType(
  {
    kind: 'IptablesSnatRule',
    plural: 'iptables-snat-rules',
    singular: 'iptables-snat-rule',
    shortNames: ['snat'],
  },
  [
    column('EIP', 'string', '.spec.eip'),
    column('V4ip', 'string', '.status.v4ip'),
    column('V6ip', 'string', '.status.v6ip', { priority: 1 }),
    column('InternalCIDR', 'string', '.spec.internalCIDR'),
    natGwDp,
    ready,
  ],
  resourceSchema(
    'An SNAT rule: an internal CIDR leaves through an EIP',
    SnatSpec,
    Type.Object({ ...RuleStatus, internalCIDR: Opt(Str()) }),
  ),
);

export const fipType = kubeovnType(
  {
    kind: 'IptablesFIPRule',
    plural: 'iptables-fip-rules',
    singular: 'iptables-fip-rule',
    shortNames: ['fip'],
  },
  [
    column('Eip', 'string', '.spec.eip'),
    column('V4ip', 'string', '.status.v4ip'),
    column('InternalIp', 'string', '.spec.internalIp'),
    column('V6ip', 'string', '.status.v6ip', { priority: 1 }),
    ready,
    natGwDp,
  ],
  resourceSchema(
    'A floating IP: an EIP mapped one to one to an internal IP',
    FipSpec,
    Type.Object({ ...RuleStatus, internalIp: Opt(Str()) }),
  ),
);

const PROTOCOLS = ['tcp', 'udp'] as const;
const DNAT_TYPES = ['exclusive', 'share'] as const;

function port(field: string, value: string | undefined): FieldIssue[] {
  if (!value) return [required(field)];
  if (!/^\d+$/.test(value)) return [invalid(field, value, 'must be a number')];
  const n = Number(value);
  return n >= 1 && n <= 65535 ? [] : [invalid(field, value, 'must be between 1 and 65535')];
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

function fipExclusive(view: ClusterView, eip: string, self: string): FieldIssue[] {
  const fips = rulesUsingEip(view, 'IptablesFIPRule', eip, self);
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
    issues.push(...fipExclusive(view, spec.eip, self));
    for (const other of rulesUsingEip(view, 'IptablesDnatRule', spec.eip, self) as Dnat[]) {
      const same =
        other.spec?.externalPort === spec.externalPort && other.spec?.protocol?.toLowerCase() === protocol;
      if (same && !(other.spec?.type === 'share' && spec.type === 'share')) {
        issues.push(
          conflict(
            'spec.externalPort',
            spec.externalPort,
            `eip ${spec.eip} port ${spec.externalPort}/${protocol ?? ''} is already used by dnat ${other.metadata.name ?? ''}; both must be type=share to coexist`,
          ),
        );
      }
    }
    return issues;
  },
};

export const snatAdmission: KindAdmission<Snat> = {
  validate({ operation, object, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const issues = common(view, spec?.eip);
    const cidr = spec?.internalCIDR ? parseCidrOrIp(spec.internalCIDR) : undefined;
    if (!spec?.internalCIDR) issues.push(required('spec.internalCIDR'));
    else if (!cidr || cidr.family !== 4)
      issues.push(invalid('spec.internalCIDR', spec.internalCIDR, 'not a valid IPv4 CIDR or address'));
    if (!spec?.eip || !cidr) return issues;
    issues.push(...fipExclusive(view, spec.eip, object.metadata.name ?? ''));
    for (const other of rulesUsingEip(view, 'IptablesSnatRule', spec.eip, object.metadata.name) as Snat[]) {
      const theirs = parseCidrOrIp(other.spec?.internalCIDR ?? '');
      if (theirs && formatCidr(theirs) === formatCidr(cidr)) {
        issues.push(
          conflict(
            'spec.internalCIDR',
            spec.internalCIDR,
            `snat ${other.metadata.name ?? ''} already translates ${formatCidr(cidr)} to eip ${spec.eip}`,
          ),
        );
      }
    }
    return issues;
  },
};

export const fipAdmission: KindAdmission<Fip> = {
  validate({ operation, object, view }) {
    if (operation === 'DELETE' || !object) return [];
    const spec = object.spec;
    const self = object.metadata.name ?? '';
    const issues = [...common(view, spec?.eip), ...ipv4('spec.internalIp', spec?.internalIp)];
    if (!spec?.eip) return issues;
    const others = (['IptablesDnatRule', 'IptablesSnatRule', 'IptablesFIPRule'] as NatRuleKind[]).flatMap(
      (kind) => rulesUsingEip(view, kind, spec.eip, self),
    );
    if (others.length) {
      issues.push(
        conflict(
          'spec.eip',
          spec.eip,
          `a floating IP needs its EIP alone, but eip ${spec.eip} is used by ${names(others)}`,
        ),
      );
    }
    const gateway = (view.get('IptablesEIP', spec.eip)?.spec as { natGwDp?: string } | undefined)?.natGwDp;
    for (const fip of view.list('IptablesFIPRule') as Fip[]) {
      if (fip.metadata.name === self || fip.spec?.internalIp !== spec.internalIp || !gateway) continue;
      const theirGateway = (view.get('IptablesEIP', fip.spec.eip)?.spec as { natGwDp?: string } | undefined)
        ?.natGwDp;
      if (theirGateway === gateway) {
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
