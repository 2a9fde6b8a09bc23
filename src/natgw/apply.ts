/**
 * Applies a gateway's desired state inside its network namespace, level-triggered and never rule by rule:
 * forwarding on; the EIP addresses on the external interface (stale EIPs of the external subnet removed, the
 * interface's own address kept) with gratuitous ARP for each address newly added; the default route via the
 * external gateway and the VPC's subnets via the LAN gateway; then the whole rule set in ONE atomic write of the
 * selected backend (backends.ts: one `iptables-restore`, or one `nft -f` transaction). The steps are the same for
 * both: the candidate set is checked first (`iptables-restore --test`, `nft -c`); when that fails, the failing
 * rules are found by bisection (a half that passes is kept whole) and left out, each reported with the kernel's
 * message. When the kernel already holds exactly the wanted set (canonical forms equal) nothing is written. The
 * other backend's kovn state, if any, is taken away after the write (`removeOther`), so a switch leaves one copy.
 * When a DNAT or FIP went away or moved (in either backend), the conntrack entries to its EIP are flushed, so the
 * next connection takes the new path. Returns per rule: applied, or why not.
 */
import { cidrContains, parseCidr, parseIp } from '../net/ip.ts';
import type { ProcessRunner } from '../util/exec.ts';
import { ruleBackend, type BackendName, type Observed, type RuleBackend } from './backends.ts';
import type { GatewayDesired } from './desired.ts';
import { removedDnatTargets, ruleId, wantedDnats, type NatRule, type RuleId } from './rules.ts';

export interface ApplyOptions {
  runner: ProcessRunner;
  /** The gateway's namespace as `ip netns` names it; undefined: this process's own (the agent in its pod). */
  netns: string | undefined;
  /** The external interface's own (IPAM) address, never removed. */
  keepAddresses?: readonly string[];
  /** The IPv4 CIDR of the external subnet: addresses in it that are not wanted are removed. */
  externalCidr?: string;
  /** Which backend writes the rules (default iptables). */
  backend?: BackendName;
  /** Whether to look for (and take away) kovn's state in the other backend (default true). */
  removeOther?: boolean;
}

export interface ApplyOutcome {
  results: Map<RuleId, { ok: true } | { ok: false; reason: string }>;
  /** Whether the rule set was written (false: the kernel already held it), or the other backend's removed. */
  rulesWritten: boolean;
  backend: BackendName;
  /** Whether kovn's rules were found in the other backend and taken away. */
  otherRemoved: boolean;
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
  const backend = ruleBackend(o.backend ?? 'iptables', run, where(o));
  const failing = await findFailing(d.rules, (ids) => backend.test(d.rules, d, ids));
  for (const [id, reason] of failing) results.set(id, { ok: false, reason });
  const include = new Set(d.rules.map(ruleId).filter((id) => !failing.has(id)));
  const now = await backend.observe();
  const same = now.canonical === backend.wanted(d.rules, d, include);
  if (!same) await backend.write(d.rules, d, include, now);
  const other = o.removeOther === false ? undefined : await otherState(backend, run, o);
  if (other?.now.present) await other.backend.remove(other.now);
  // Connections set up by a DNAT/FIP that is gone or moved keep their old translation; forget them (best effort).
  const had = [...now.dnats, ...(other?.now.dnats ?? [])];
  for (const eip of removedDnatTargets(had, wantedDnats(d.rules, include)))
    await run('conntrack', ['-D', '-d', eip]);
  for (const id of include) results.set(id, { ok: true });

  for (const ip of added) {
    // Unsolicited ARP so the upstream router learns the (possibly moved) address at once; best effort.
    await run('arping', ['-U', '-c', '1', '-I', d.extIf, '-s', ip, ip]);
  }
  return {
    results,
    rulesWritten: !same || other?.now.present === true,
    backend: backend.name,
    otherRemoved: other?.now.present === true,
    addressesAdded: added,
    addressesRemoved: removed,
  };
}

/**
 * What kovn holds in the backend not selected. A backend this namespace cannot run (no binary, no kernel support)
 * holds nothing of ours.
 */
async function otherState(
  selected: RuleBackend,
  run: Run,
  o: ApplyOptions,
): Promise<{ backend: RuleBackend; now: Observed } | undefined> {
  const backend = ruleBackend(selected.name === 'iptables' ? 'nftables' : 'iptables', run, where(o));
  const now = await backend.observe().catch(() => undefined);
  return now && { backend, now };
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
