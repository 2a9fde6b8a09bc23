/**
 * Applies a gateway's desired state inside its network namespace, level-triggered and never rule by rule:
 * forwarding on (IPv6 forwarding too when the gateway has anything IPv6); on each external NIC (`net1`, `net2`, ...)
 * the EIP addresses of its subnet (stale addresses of that subnet removed, the NIC's own addresses kept) with
 * gratuitous ARP out of that NIC for each IPv4 address newly added; an IPv6 EIP is added without duplicate address
 * detection (`accept_dad=0` on the NIC: the address is IPAM's, and a tentative address could not be used or NATed
 * to for a second or more) and announced by the kernel's own unsolicited neighbour advertisement (`ndisc_notify=1`
 * on the NIC: sent when an address that skipped DAD comes up), so no NDP tool is needed in the image; the
 * routes, per family (each external CIDR out of its NIC, added when the kernel has no route there yet; the default
 * route via the first external gateway; the VPC's subnets via the LAN gateway; the gateway's own `routes`); then the
 * whole rule set
 * in ONE atomic write of the selected backend (backends.ts: one `iptables-restore`, or one `nft -f` transaction). The
 * steps are the same for both: the candidate set is checked first (`iptables-restore --test`, `nft -c`); when that
 * fails, the failing rules are found by bisection (a half that passes is kept whole) and left out, each reported with
 * the kernel's message. When the kernel already holds exactly the wanted set (canonical forms equal) nothing is
 * written. The other backend's kovn state, if any, is taken away after the write (`removeOther`), so a switch leaves
 * one copy. When a DNAT or FIP went away or moved (in either backend), the conntrack entries to its EIP are flushed,
 * so the next connection takes the new path. Returns per rule: applied, or why not.
 */
import { cidrContains, parseCidr, parseIp } from '../net/ip.ts';
import type { ProcessRunner } from '../util/exec.ts';
import { ruleBackend, type BackendName, type Observed, type RuleBackend } from './backends.ts';
import type { ExternalNic, GatewayDesired } from './desired.ts';
import { removedDnatTargets, ruleId, wantedDnats, type NatRule, type RuleId } from './rules.ts';

export interface ApplyOptions {
  runner: ProcessRunner;
  /** The gateway's namespace as `ip netns` names it; undefined: this process's own (the agent in its pod). */
  netns: string | undefined;
  /** The external NICs' own (IPAM) addresses, never removed. */
  keepAddresses?: readonly string[];
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
  /** `<address>` added (on whichever NIC), and `<address>/<prefix>` removed. */
  addressesAdded: string[];
  addressesRemoved: string[];
  /** Entries of the gateway's `spec.routes` the kernel refused: `<field>: <route>: <message>`. */
  routesRefused: string[];
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
  if (hasIpv6(d)) {
    await must('sysctl', ['-q', '-w', 'net.ipv6.conf.all.forwarding=1']);
    for (const nic of d.nics.filter((n) => n.cidr6))
      await must('sysctl', [
        '-q',
        '-w',
        `net.ipv6.conf.${nic.ifname}.accept_dad=0`,
        `net.ipv6.conf.${nic.ifname}.ndisc_notify=1`,
      ]);
  }

  const added: { ip: string; dev: string }[] = [];
  const removed: string[] = [];
  for (const nic of d.nics) {
    const sync = await syncAddresses(nic, o, run, must);
    added.push(...sync.added.map((ip) => ({ ip, dev: nic.ifname })));
    removed.push(...sync.removed);
  }
  const routesRefused = await syncRoutes(d, run, must);

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
  for (const eip of removedDnatTargets(had, wantedDnats(d.rules, include))) await forget(run, eip);
  for (const id of include) results.set(id, { ok: true });

  for (const { ip, dev } of added) {
    // Unsolicited ARP so the upstream router learns the (possibly moved) address at once; best effort. (IPv6: the
    // kernel's unsolicited neighbour advertisement, above.)
    if (!ip.includes(':')) await run('arping', ['-U', '-c', '1', '-I', dev, '-s', ip, ip]);
  }
  return {
    results,
    rulesWritten: !same || other?.now.present === true,
    backend: backend.name,
    otherRemoved: other?.now.present === true,
    addressesAdded: added.map((a) => a.ip),
    addressesRemoved: removed,
    routesRefused,
  };
}

/** Whether the gateway has anything IPv6: an address, a route or a rule. */
const hasIpv6 = (d: GatewayDesired): boolean =>
  d.externalGateway6 !== undefined ||
  d.nics.some((n) => n.addresses.some((a) => a.includes(':'))) ||
  d.routes.some((r) => r.dst.includes(':')) ||
  d.rules.some((r) => r.eip.includes(':'));

/** Forget the tracked connections to an address (best effort; conntrack wants the family of an IPv6 one). */
const forget = (run: Run, addr: string) =>
  run('conntrack', ['-D', ...(addr.includes(':') ? ['-f', 'ipv6'] : []), '-d', addr]);

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

/** One NIC's EIP addresses: the wanted ones added, unwanted ones of its subnet removed (its own address kept). */
async function syncAddresses(
  nic: ExternalNic,
  o: ApplyOptions,
  run: Run,
  must: (cmd: string, args: string[]) => Promise<void>,
): Promise<{ added: string[]; removed: string[] }> {
  const dev = nic.ifname;
  const r = await run('ip', ['-j', 'addr', 'show', 'dev', dev]);
  if (r.code !== 0)
    throw new Error(
      `${where(o)}: interface ${dev} (external subnet ${nic.subnet}) is not there yet: ${r.stderr.trim()}`,
    );
  const have = (JSON.parse(r.stdout || '[]') as { addr_info?: { local: string; prefixlen: number }[] }[])
    .flatMap((l) => l.addr_info ?? [])
    .map((a) => `${a.local}/${a.prefixlen}`);
  const keep = new Set((o.keepAddresses ?? []).map((a) => a.replace(/\/\d+$/, '')));
  const added = nic.addresses.filter((a) => !have.includes(a));
  const stale = have.filter(
    (a) =>
      !nic.addresses.includes(a) &&
      !keep.has(a.replace(/\/\d+$/, '')) &&
      (inCidr(a, nic.cidr) || inCidr(a, nic.cidr6)),
  );
  for (const a of added) await must('ip', ['addr', 'replace', a, 'dev', dev]);
  for (const a of stale) {
    await must('ip', ['addr', 'del', a, 'dev', dev]);
    await forget(run, a.replace(/\/\d+$/, '')); // connections to a gone EIP
  }
  return { added: added.map((a) => a.replace(/\/\d+$/, '')), removed: stale };
}

/**
 * The routes: a link route (an external CIDR out of its NIC) only when the kernel has no route to that CIDR out of
 * that NIC yet (the NIC's own address makes one, which is kept as the kernel wrote it); the default route and every
 * route with a next hop replaced, so a route changed by hand comes back. Returns the `spec.routes` entries the kernel
 * refused, each with its field path and the kernel's message.
 */
async function syncRoutes(
  d: GatewayDesired,
  run: Run,
  must: (cmd: string, args: string[]) => Promise<void>,
): Promise<string[]> {
  const links = d.routes.filter((r) => r.via === undefined);
  const fam = (dst: string) => (dst.includes(':') ? '-6' : '-4');
  const v6 = (dst: string): string[] => (dst.includes(':') ? ['-6'] : []);
  for (const family of ['-4', '-6'] as const) {
    const wanted = links.filter((l) => fam(l.dst) === family);
    if (!wanted.length) continue;
    const r = await run('ip', ['-j', family, 'route', 'show', 'table', 'main']);
    const held = r.code === 0 ? (JSON.parse(r.stdout || '[]') as { dst?: string; dev?: string }[]) : [];
    for (const l of wanted)
      if (!held.some((h) => h.dst === l.dst && h.dev === l.dev))
        await must('ip', [...v6(l.dst), 'route', 'replace', l.dst, 'dev', l.dev, 'scope', 'link']);
  }
  if (d.externalGateway)
    await must('ip', ['route', 'replace', 'default', 'via', d.externalGateway, 'dev', d.extIf, 'onlink']);
  if (d.externalGateway6)
    await must('ip', [
      '-6',
      'route',
      'replace',
      'default',
      'via',
      d.externalGateway6,
      'dev',
      d.extIf,
      'onlink',
    ]);
  const refused: string[] = [];
  for (const r of d.routes) {
    if (r.via === undefined) continue;
    const args = [...v6(r.dst), 'route', 'replace', r.dst, 'via', r.via, 'dev', r.dev];
    if (!r.field) await must('ip', args);
    else {
      // A route of the gateway's own `routes` the kernel refuses fails alone; the NAT rules still apply.
      const out = await run('ip', args);
      if (out.code !== 0)
        refused.push(`${r.field}: ${r.dst} via ${r.via} dev ${r.dev}: ${out.stderr.trim()}`);
    }
  }
  return refused;
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
