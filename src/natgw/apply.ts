/**
 * Applies a gateway's desired state inside its network namespace, level-triggered and never rule by rule:
 * forwarding on; the EIP addresses on the external interface (stale EIPs of the external subnet removed, the
 * interface's own address kept) with gratuitous ARP for each address newly added; the default route via the
 * external gateway and the VPC's subnets via the LAN gateway; then ONE `iptables-restore` of the whole rule set.
 * Before that, the candidate set is checked with `iptables-restore --test`; when it fails, the failing rules are
 * found by bisection (a half that passes is kept whole) and left out, each reported with the kernel's message. When
 * the kernel already holds exactly the wanted set nothing is written; when a DNAT or FIP went away or moved, the
 * conntrack entries to its EIP are flushed, so the next connection takes the new path. Returns per rule: applied, or
 * why not.
 */
import { cidrContains, parseCidr, parseIp } from '../net/ip.ts';
import type { ProcessRunner } from '../util/exec.ts';
import type { GatewayDesired } from './desired.ts';
import { canonicalRuleSet, renderRuleSet, ruleId, type NatRule, type RuleId } from './rules.ts';

export interface ApplyOptions {
  runner: ProcessRunner;
  /** The gateway's namespace as `ip netns` names it; undefined: this process's own (the agent in its pod). */
  netns: string | undefined;
  /** The external interface's own (IPAM) address, never removed. */
  keepAddresses?: readonly string[];
  /** The IPv4 CIDR of the external subnet: addresses in it that are not wanted are removed. */
  externalCidr?: string;
}

export interface ApplyOutcome {
  results: Map<RuleId, { ok: true } | { ok: false; reason: string }>;
  /** Whether the rule set was written (false: the kernel already held it). */
  rulesWritten: boolean;
  addressesAdded: string[];
  addressesRemoved: string[];
}

const TIMEOUT_MS = 60_000;

/** How messages name the namespace. */
const where = (o: ApplyOptions): string => o.netns ?? 'own namespace';

export async function applyGateway(d: GatewayDesired, o: ApplyOptions): Promise<ApplyOutcome> {
  const run = async (cmd: string, args: string[], input?: string) =>
    o.runner.run(cmd, args, {
      netns: o.netns,
      timeoutMs: TIMEOUT_MS,
      ...(input === undefined ? {} : { input }),
    });
  const must = async (cmd: string, args: string[], input?: string): Promise<void> => {
    const r = await run(cmd, args, input);
    if (r.code !== 0)
      throw new Error(
        `${where(o)}: ${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`,
      );
  };
  await must('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);

  const { added, removed } = await syncAddresses(d, o, run, must);
  if (d.externalGateway)
    await must('ip', ['route', 'replace', 'default', 'via', d.externalGateway, 'dev', d.extIf, 'onlink']);
  for (const r of d.routes) await must('ip', ['route', 'replace', r.dst, 'via', r.via, 'dev', r.dev]);

  const results: ApplyOutcome['results'] = new Map();
  for (const [id, reason] of d.refused) results.set(id, { ok: false, reason });
  const failing = await findFailing(d.rules, (ids) => testSet(d, ids, run));
  for (const [id, reason] of failing) results.set(id, { ok: false, reason });
  const include = new Set(d.rules.map(ruleId).filter((id) => !failing.has(id)));
  const wanted = renderRuleSet(d.rules, d, include);
  const saved = await run('iptables-save', ['-t', 'nat']);
  const savedMangle = await run('iptables-save', ['-t', 'mangle']);
  const same = canonicalRuleSet(saved.stdout + savedMangle.stdout) === canonicalRuleSet(wanted);
  if (!same) {
    await must('iptables-restore', ['-w', '5'], wanted);
    // Connections set up by a DNAT/FIP that is gone or moved keep their old translation; forget them (best effort).
    for (const eip of removedDnatTargets(saved.stdout, wanted)) await run('conntrack', ['-D', '-d', eip]);
  }
  for (const id of include) results.set(id, { ok: true });

  for (const ip of added) {
    // Unsolicited ARP so the upstream router learns the (possibly moved) address at once; best effort.
    await run('arping', ['-U', '-c', '1', '-I', d.extIf, '-s', ip, ip]);
  }
  return { results, rulesWritten: !same, addressesAdded: added, addressesRemoved: removed };
}

type Run = (
  cmd: string,
  args: string[],
  input?: string,
) => Promise<{ code: number; stdout: string; stderr: string }>;

async function syncAddresses(
  d: GatewayDesired,
  o: ApplyOptions,
  run: Run,
  must: (cmd: string, args: string[]) => Promise<void>,
): Promise<{ added: string[]; removed: string[] }> {
  const r = await run('ip', ['-j', '-4', 'addr', 'show', 'dev', d.extIf]);
  if (r.code !== 0) throw new Error(`${where(o)}: interface ${d.extIf} is not there yet: ${r.stderr.trim()}`);
  const have = (JSON.parse(r.stdout || '[]') as { addr_info?: { local: string; prefixlen: number }[] }[])
    .flatMap((l) => l.addr_info ?? [])
    .map((a) => `${a.local}/${a.prefixlen}`);
  const keep = new Set((o.keepAddresses ?? []).map((a) => a.replace(/\/\d+$/, '')));
  const added = d.addresses.filter((a) => !have.includes(a));
  const stale = have.filter(
    (a) => !d.addresses.includes(a) && !keep.has(a.replace(/\/\d+$/, '')) && inCidr(a, o.externalCidr),
  );
  for (const a of added) await must('ip', ['addr', 'replace', a, 'dev', d.extIf]);
  for (const a of stale) {
    await must('ip', ['addr', 'del', a, 'dev', d.extIf]);
    await run('conntrack', ['-D', '-d', a.replace(/\/\d+$/, '')]); // connections to a gone EIP; best effort
  }
  return { added: added.map((a) => a.replace(/\/\d+$/, '')), removed: stale };
}

function inCidr(addr: string, cidr: string | undefined): boolean {
  const block = cidr ? parseCidr(cidr) : undefined;
  const ip = parseIp(addr.replace(/\/\d+$/, ''));
  return block !== undefined && ip !== undefined && cidrContains(block, ip);
}

/** EIPs of DNAT/FIP rules in the kernel that the wanted set no longer has (exactly). */
export function removedDnatTargets(saved: string, wanted: string): string[] {
  const dnat = (text: string) =>
    new Set(
      text
        .split('\n')
        .filter((l) => /^-A (EXCLUSIVE|SHARED)_DNAT /.test(l.trim()))
        .map((l) => l.trim()),
    );
  const keep = dnat(wanted);
  const eips = [...dnat(saved)]
    .filter((l) => !keep.has(l))
    .map((l) => /-d (\S+)\/32/.exec(l)?.[1])
    .filter((ip): ip is string => ip !== undefined);
  return [...new Set(eips)].sort();
}

async function testSet(d: GatewayDesired, ids: Set<RuleId>, run: Run): Promise<string | undefined> {
  const r = await run('iptables-restore', ['--test', '-w', '5'], renderRuleSet(d.rules, d, ids));
  return r.code === 0 ? undefined : (r.stderr || r.stdout).trim() || `iptables-restore exit ${r.code}`;
}

/** The rules the kernel refuses, by bisection over the candidate set; a passing half is not split. */
export async function findFailing(
  rules: readonly NatRule[],
  test: (ids: Set<RuleId>) => Promise<string | undefined>,
): Promise<Map<RuleId, string>> {
  const failing = new Map<RuleId, string>();
  const visit = async (ids: RuleId[]): Promise<void> => {
    if (!ids.length) return;
    const error = await test(new Set(ids));
    if (error === undefined) return;
    if (ids.length === 1) {
      failing.set(ids[0]!, error);
      return;
    }
    const mid = Math.ceil(ids.length / 2);
    await visit(ids.slice(0, mid));
    await visit(ids.slice(mid));
  };
  await visit(rules.map(ruleId));
  return failing;
}
