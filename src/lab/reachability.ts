/**
 * The reachability table `kovn start` prints (and `kovn reach` later): which pod reaches which, against what the
 * manifests say. Pure: `planProbes` turns running pods (address, VPC) into probes with an expectation — a pod reaches
 * its gateway and every pod of its own VPC, and no pod of another VPC. A probe towards another VPC's pod whose
 * address is also used inside the prober's own VPC cannot tell the two apart by ping (the packet stays home and is
 * answered there), so it is kept in the table as `ambiguous` with the local owner named, never counted as a pass —
 * unless the target declares a port: then the probe is an HTTP request and the lab's responder names the pod that
 * answered, which decides it (the target must not be the one answering). `renderTable` lays the results out like
 * kubectl columns.
 */

export interface PodEndpoint {
  namespace: string;
  name: string;
  /** The pod's primary address (IPv4 first). */
  ip: string;
  vpc: string;
  subnet: string;
  gateway: string;
  /** A TCP port the pod's responder answers HTTP on (its first declared container port). */
  port?: number;
}

export type Expectation = 'reachable' | 'unreachable' | 'ambiguous';

export interface Probe {
  from: PodEndpoint;
  /** `ping`, or `http` to the target's port (the answer names the pod that answered). */
  method: 'ping' | 'http';
  port?: number;
  /** `gateway`, or `<ns>/<pod>` of the target. */
  to: string;
  address: string;
  sameVpc: boolean;
  expect: Expectation;
  /** For an ambiguous probe: the pod in the prober's VPC that holds the same address. */
  shadowedBy?: string;
}

export interface ProbeResult extends Probe {
  /** The target answered (for http: the answer named the target pod). */
  reached: boolean;
  /** For http: the pod named in the answer, if any. */
  answeredBy?: string;
}

const id = (p: PodEndpoint): string => `${p.namespace}/${p.name}`;
const byId = (a: PodEndpoint, b: PodEndpoint): number => id(a).localeCompare(id(b));

export function planProbes(pods: readonly PodEndpoint[]): Probe[] {
  const sorted = [...pods].sort(byId);
  const probes: Probe[] = [];
  const towards = (to: PodEndpoint) =>
    to.port === undefined ? { method: 'ping' as const } : { method: 'http' as const, port: to.port };
  for (const from of sorted) {
    probes.push({
      from,
      method: 'ping',
      to: 'gateway',
      address: from.gateway,
      sameVpc: true,
      expect: 'reachable',
    });
    for (const to of sorted) {
      if (to === from) continue;
      const sameVpc = to.vpc === from.vpc;
      const base = { from, ...towards(to), to: id(to), address: to.ip, sameVpc };
      if (sameVpc) {
        probes.push({ ...base, expect: 'reachable' });
        continue;
      }
      const local = sorted.find((p) => p.vpc === from.vpc && p.ip === to.ip);
      probes.push(
        local && to.port === undefined
          ? { ...base, expect: 'ambiguous', shadowedBy: id(local) }
          : { ...base, expect: 'unreachable' },
      );
    }
  }
  return probes;
}

/** Did the probe come out as the manifests say? Ambiguous probes are neither a pass nor a failure. */
export function verdict(result: ProbeResult): 'ok' | 'FAIL' | 'n/a' {
  if (result.expect === 'ambiguous') return 'n/a';
  return result.reached === (result.expect === 'reachable') ? 'ok' : 'FAIL';
}

export function renderTable(results: readonly ProbeResult[]): string {
  const header = ['FROM', 'VPC', 'TO', 'ADDRESS', 'PROBE', 'SAME VPC', 'RESULT', 'EXPECTED', 'VERDICT'];
  const rows = results.map((r) => [
    id(r.from),
    r.from.vpc,
    r.to,
    r.address,
    r.method === 'http' ? `http:${r.port ?? ''}` : 'ping',
    r.sameVpc ? 'yes' : 'no',
    r.reached ? 'reached' : r.answeredBy ? `answered by ${r.answeredBy}` : 'no answer',
    r.expect === 'ambiguous' ? `- (${r.address} is ${r.shadowedBy ?? '?'} here)` : r.expect,
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function summarize(results: readonly ProbeResult[]): { ok: number; failed: number; skipped: number } {
  const out = { ok: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    const v = verdict(r);
    if (v === 'ok') out.ok++;
    else if (v === 'FAIL') out.failed++;
    else out.skipped++;
  }
  return out;
}
