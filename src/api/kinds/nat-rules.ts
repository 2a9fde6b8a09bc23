/**
 * IptablesDnatRule (`dnat`), IptablesSnatRule (`snat`) and IptablesFIPRule (`fip`): schemas, types and printer
 * columns. Their admission is nat-rule-admission.ts's; the identities and the rules for sharing an EIP are
 * nat-identity.ts's (shared with the controller and the gateway).
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Bool, FreeForm, Opt, Str, resourceSchema } from '../schema/common.ts';
import { column, kubeovnType, type Typed } from '../kind.ts';
import type { PrinterColumn } from '../types.ts';
import type { NatKind } from './nat-identity.ts';

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
