/**
 * The node namespace's TProxy state, as values (Kube-OVN's pkg/daemon/tproxy_linux.go: exact marks, table and port):
 * the iptables mangle chains `OVN-OUTPUT` (from `OUTPUT`: mark a locally generated SYN to a target
 * `0x90003/0x90003`) and `OVN-PREROUTING` (from `PREROUTING`: `TPROXY --on-port 8102 --on-ip <listen ip>
 * --tproxy-mark 0x90004/0x90004`), policy rules `fwmark 0x90003/0x90003` and `fwmark 0x90004/0x90004` to table
 * 10001, which holds `local 0.0.0.0/0 dev lo`. One addition: the reference relies on the host's default route to get
 * a probe's first packet as far as OUTPUT; a lab node has no default route (custom VPCs must stay unreachable), so
 * each target also gets a rule `to IP/32 ipproto tcp dport PORT` to table 10002 (`0.0.0.0/0 dev lo src 127.0.0.1`),
 * which sends exactly the probe connections to loopback and nothing else. Rules are ours by their priority
 * (10001-10003). Pure.
 */
import type { ProbeTarget } from './targets.ts';

export const TPROXY_PORT = 8102;
export const OUTPUT_MARK = '0x90003/0x90003';
export const TPROXY_MARK = '0x90004/0x90004';
export const TPROXY_TABLE = 10001;
export const FIRST_HOP_TABLE = 10002;
export const OUTPUT_CHAIN = 'OVN-OUTPUT';
export const PREROUTING_CHAIN = 'OVN-PREROUTING';
/** The jumps into our chains, as iptables-save prints them. */
export const JUMPS = [
  { chain: 'OUTPUT', rule: ['-j', OUTPUT_CHAIN, '-m', 'comment', '--comment', 'kube-ovn output rules'] },
  {
    chain: 'PREROUTING',
    rule: ['-j', PREROUTING_CHAIN, '-m', 'comment', '--comment', 'kube-ovn prerouting rules'],
  },
] as const;

export interface PolicyRule {
  priority: number;
  /** The selector as `ip rule` takes it, e.g. `fwmark 0x90003/0x90003`. */
  selector: string[];
  table: number;
}

export const RULE_PRIORITIES = [10001, 10002, 10003] as const;

/** Unique (ip, port) pairs, sorted. */
export function destinations(targets: readonly ProbeTarget[]): { ip: string; port: number }[] {
  const seen = new Map<string, { ip: string; port: number }>();
  for (const t of targets) seen.set(`${t.ip}:${t.port}`, { ip: t.ip, port: t.port });
  return [...seen.values()];
}

/** `iptables-restore --noflush` input that replaces our two chains' contents (never touches other chains). */
export function renderMangle(targets: readonly ProbeTarget[], listenIp: string): string {
  const lines = ['*mangle', `:${OUTPUT_CHAIN} - [0:0]`, `:${PREROUTING_CHAIN} - [0:0]`];
  for (const d of destinations(targets)) {
    const match = `-d ${d.ip}/32 -p tcp -m tcp --dport ${d.port}`;
    lines.push(`-A ${OUTPUT_CHAIN} ${match} -j MARK --set-xmark ${OUTPUT_MARK}`);
    lines.push(
      `-A ${PREROUTING_CHAIN} ${match} -j TPROXY --on-port ${TPROXY_PORT} --on-ip ${listenIp} --tproxy-mark ${TPROXY_MARK}`,
    );
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

export function desiredPolicyRules(targets: readonly ProbeTarget[]): PolicyRule[] {
  return [
    { priority: 10001, selector: ['fwmark', OUTPUT_MARK], table: TPROXY_TABLE },
    { priority: 10002, selector: ['fwmark', TPROXY_MARK], table: TPROXY_TABLE },
    ...destinations(targets).map((d) => ({
      priority: 10003,
      selector: ['to', `${d.ip}/32`, 'ipproto', 'tcp', 'dport', String(d.port)],
      table: FIRST_HOP_TABLE,
    })),
  ];
}

/** One rule as `ip -j rule` reports it. */
export interface ObservedRule {
  priority?: number;
  table?: string;
  fwmark?: string;
  fwmask?: string;
  dst?: string;
  dstlen?: number;
  ipproto?: string;
  dport?: number;
}

/** The identity of a rule, comparable between desired and observed. */
export function ruleKey(r: PolicyRule): string {
  return `${r.priority} ${r.selector.join(' ')} ${r.table}`;
}

export function observedRuleKey(o: ObservedRule): string | undefined {
  if (o.priority === undefined || !(RULE_PRIORITIES as readonly number[]).includes(o.priority))
    return undefined;
  const table = o.table ?? '';
  const sel = o.fwmark
    ? ['fwmark', `${o.fwmark}/${o.fwmask ?? '0xffffffff'}`]
    : [
        'to',
        `${o.dst ?? ''}/${o.dstlen ?? 32}`,
        ...(o.ipproto ? ['ipproto', o.ipproto.replace(/^ipproto-/, '')] : []),
        ...(o.dport === undefined ? [] : ['dport', String(o.dport)]),
      ];
  return `${o.priority} ${sel.join(' ')} ${table}`;
}
