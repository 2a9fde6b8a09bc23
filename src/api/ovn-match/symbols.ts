/**
 * The symbols an OVN logical-flow match may name (ovn-sb(5), "Logical_Flow TABLE", match column): fields with their
 * width and level of measurement, and predicates (shorthands such as `tcp` or `ct.est` that behave like one-bit
 * fields), as OVN 23.03 (this machine's ovn-controller) knows them. Levels decide which operators a field takes: ordinal fields (maskable in OpenFlow) allow every relational
 * operator and bit ranges; nominal ones only equality, and only in a positive sense once enclosing `!` are counted;
 * string fields (`inport`, `outport`) are nominal and compare with quoted names. Pure data.
 */

export type Level = 'ordinal' | 'nominal';

export interface FieldSymbol {
  kind: 'field';
  /** Bits; 0 for string fields. */
  width: number;
  level: Level;
  string: boolean;
}

export interface PredicateSymbol {
  kind: 'predicate';
}

export type MatchSymbol = FieldSymbol | PredicateSymbol;

const ord = (width: number): FieldSymbol => ({ kind: 'field', width, level: 'ordinal', string: false });
const nom = (width: number): FieldSymbol => ({ kind: 'field', width, level: 'nominal', string: false });
const str: FieldSymbol = { kind: 'field', width: 0, level: 'nominal', string: true };
const PREDICATE: PredicateSymbol = { kind: 'predicate' };

const fields: Record<string, FieldSymbol> = {
  inport: str,
  outport: str,
  'flags.loopback': ord(1),
  'pkt.mark': ord(32),
  'eth.src': ord(48),
  'eth.dst': ord(48),
  'eth.type': nom(16),
  'vlan.tci': ord(16),
  'vlan.vid': ord(12),
  'vlan.pcp': ord(3),
  'ip.proto': nom(8),
  'ip.dscp': nom(6),
  'ip.ecn': nom(2),
  'ip.ttl': nom(8),
  'ip.frag': ord(2),
  'ip4.src': ord(32),
  'ip4.dst': ord(32),
  'ip6.src': ord(128),
  'ip6.dst': ord(128),
  'ip6.label': ord(20),
  'arp.op': nom(16),
  'arp.spa': ord(32),
  'arp.tpa': ord(32),
  'arp.sha': ord(48),
  'arp.tha': ord(48),
  'rarp.op': nom(16),
  'rarp.spa': ord(32),
  'rarp.tpa': ord(32),
  'rarp.sha': ord(48),
  'rarp.tha': ord(48),
  'tcp.src': ord(16),
  'tcp.dst': ord(16),
  'tcp.flags': ord(12),
  'udp.src': ord(16),
  'udp.dst': ord(16),
  'sctp.src': ord(16),
  'sctp.dst': ord(16),
  'icmp4.type': nom(8),
  'icmp4.code': nom(8),
  'icmp6.type': nom(8),
  'icmp6.code': nom(8),
  'nd.target': ord(128),
  'nd.sll': ord(48),
  'nd.tll': ord(48),
  ct_mark: ord(32),
  ct_label: ord(128),
  ct_state: ord(32),
  'ct.trk': ord(1),
  'ct.new': ord(1),
  'ct.est': ord(1),
  'ct.rel': ord(1),
  'ct.rpl': ord(1),
  'ct.inv': ord(1),
  'ct.dnat': ord(1),
  'ct.snat': ord(1),
  'ct_mark.blocked': ord(1),
  'ct_mark.natted': ord(1),
  'ct_label.blocked': ord(1),
};
for (let i = 0; i <= 9; i++) fields[`reg${i}`] = ord(32);
for (let i = 0; i <= 4; i++) fields[`xreg${i}`] = ord(64);
for (let i = 0; i <= 1; i++) fields[`xxreg${i}`] = ord(128);

const predicates = [
  'eth.bcast',
  'eth.mcast',
  'vlan.present',
  'ip',
  'ip4',
  'ip6',
  'ip4.src_mcast',
  'ip4.mcast',
  'ip6.mcast',
  'icmp',
  'icmp4',
  'icmp6',
  'ip.is_frag',
  'ip.later_frag',
  'ip.first_frag',
  'arp',
  'rarp',
  'nd',
  'nd_ns',
  'nd_na',
  'nd_rs',
  'nd_ra',
  'tcp',
  'udp',
  'sctp',
  'igmp',
];

const table = new Map<string, MatchSymbol>([
  ...Object.entries(fields),
  ...predicates.map((p) => [p, PREDICATE] as const),
]);

export const lookupSymbol = (name: string): MatchSymbol | undefined => table.get(name);
