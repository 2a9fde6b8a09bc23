/**
 * The chaos run's convergence checks: one read of everything (the API objects, NB through our OVSDB client, each
 * NAT gateway's iptables in its pod's network namespace, the lab's status file), then the pure checks of
 * check-ips.ts, check-nb.ts and check-nat.ts, every pod Ready, every lab component running again, and every
 * acknowledged write present (writes.ts). `converge` repeats the round until every check passes or the deadline
 * passes, and returns the last round: each check with its failures (empty = passed) and its figure.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { IpObject } from '../../src/api/kinds/ip.ts';
import type { IptablesEip } from '../../src/api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../../src/api/kinds/nat-rules.ts';
import type { Subnet } from '../../src/api/kinds/subnet-schema.ts';
import type { Vpc } from '../../src/api/kinds/vpc.ts';
import type { VpcNatGateway } from '../../src/api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../../src/api/types.ts';
import { DEFAULT_NETWORK } from '../../src/api/default-network.ts';
import { OWNED_TABLES } from '../../src/controller/nb/model.ts';
import { kubeRequest } from '../../src/kube/request.ts';
import { kindCollectionPath } from '../../src/kube/resources.ts';
import type { LabLayout } from '../../src/lab/layout.ts';
import { readStatus } from '../../src/lab/status.ts';
import { OvsdbClient } from '../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../src/ovsdb/generated/ovn-nb.ts';
import { checkIps } from './check-ips.ts';
import { checkNat } from './check-nat.ts';
import { checkNb, type NbTables } from './check-nb.ts';
import type { RecordingWriter } from './writes.ts';

export interface CheckResult {
  name: string;
  figure: string;
  failures: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function list<T extends KubeObject>(kc: KubeConfig, kind: string): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await kubeRequest<{ items: T[] }>(kc, { method: 'GET', path: kindCollectionPath(kind) })).items;
    } catch (err) {
      if (attempt >= 20) throw err;
      await sleep(500);
    }
  }
}

export async function readNb(layout: LabLayout): Promise<NbTables> {
  const client = await OvsdbClient.connect<OvnNbTables>({
    remotes: [`unix:${join(layout.centralDir, 'nb.sock')}`],
    database: 'OVN_Northbound',
  });
  try {
    await client.monitor(Object.fromEntries(OWNED_TABLES.map((t) => [t, {}])));
    return Object.fromEntries(
      OWNED_TABLES.map((t) => [t, client.cache.table(t).rows() as unknown as NbTables[typeof t]]),
    ) as unknown as NbTables;
  } finally {
    client.close();
  }
}

/** `iptables-save -t nat` and `-t mangle` in a gateway pod's namespace; undefined when it cannot be read. */
function gatewayRules(layout: LabLayout, gateway: string): string | undefined {
  const netns = layout.podNetns('kube-system', `vpc-nat-gw-${gateway}-0`);
  const save = (table: string) =>
    spawnSync('ip', ['netns', 'exec', netns, 'iptables-save', '-t', table], {
      encoding: 'utf8',
      timeout: 20_000,
    });
  const nat = save('nat');
  const mangle = save('mangle');
  return nat.status === 0 && mangle.status === 0 ? nat.stdout + mangle.stdout : undefined;
}

const result = (name: string, figure: string, ...failures: string[][]): CheckResult => ({
  name,
  figure,
  failures: failures.flat(),
});

const podReady = (p: KubeObject): boolean =>
  ((p['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

/** One round of every check. */
export async function checkAll(o: {
  kc: KubeConfig;
  layout: LabLayout;
  writer: RecordingWriter;
  namespaces: readonly string[];
}): Promise<CheckResult[]> {
  const { kc, layout } = o;
  const [pods, ips, subnets, vpcs, nodes, services, gateways, eips, dnats, snats, fips] = await Promise.all([
    list(kc, 'Pod'),
    list<IpObject>(kc, 'IP'),
    list<Subnet>(kc, 'Subnet'),
    list<Vpc>(kc, 'Vpc'),
    list(kc, 'Node'),
    list(kc, 'Service'),
    list<VpcNatGateway>(kc, 'VpcNatGateway'),
    list<IptablesEip>(kc, 'IptablesEIP'),
    list<Dnat>(kc, 'IptablesDnatRule'),
    list<Snat>(kc, 'IptablesSnatRule'),
    list<Fip>(kc, 'IptablesFIPRule'),
  ]);
  const nb = await readNb(layout);
  const saved = new Map(
    gateways.map((g) => [g.metadata.name ?? '', gatewayRules(layout, g.metadata.name ?? '')]),
  );

  const ours = pods.filter((p) => o.namespaces.includes(p.metadata.namespace ?? ''));
  const notReady = ours.filter((p) => !podReady(p)).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
  const status = readStatus(layout.statusFile);
  const down = (status?.components ?? [])
    .filter((c) => c.state !== 'running')
    .map((c) => `${c.name} is ${c.state}${c.message ? `: ${c.message}` : ''}`);
  const ip = checkIps({ pods, ips, subnets, eips, nodes, joinSubnet: DEFAULT_NETWORK.nodeSwitch });
  const nbf = checkNb({
    vpcs,
    subnets,
    pods,
    nodes,
    services,
    gateways,
    nb,
    clusterRouter: DEFAULT_NETWORK.clusterRouter,
    joinSubnet: DEFAULT_NETWORK.nodeSwitch,
  });
  const nat = checkNat({ gateways, subnets, eips, dnats, snats, fips }, saved);
  const missingWrites = await o.writer.missing();
  return [
    result('lab components running', `${status?.components.length ?? 0} components`, down),
    result(
      'pods Ready',
      `${ours.length - notReady.length}/${ours.length}`,
      notReady.map((p) => `not Ready: ${p}`),
    ),
    result(
      'EIPs and NAT rules ready',
      `${nat.objects - nat.notReady.length}/${nat.objects}`,
      nat.notReady.map((n) => `not ready: ${n}`),
    ),
    result('IP objects == pod NICs', `${ip.nics} NICs, ${ips.length} IP objects`, ip.mismatched),
    result('leaked IP objects', `${ip.leaked.length}`, ip.leaked),
    result('duplicate addresses in a subnet', `${ip.duplicates.length}`, ip.duplicates),
    result('subnet status counts', `${subnets.length} subnets`, ip.subnetCounts),
    result(
      'NB rows missing or differing',
      `${nbf.desiredRows} desired rows`,
      nbf.missing.map((m) => `missing: ${m}`),
      nbf.differing,
    ),
    result(
      'NB rows stale',
      `${nbf.ownedRows} owned rows`,
      nbf.stale.map((s) => `stale: ${s}`),
    ),
    result(
      'gateway iptables == rule objects',
      `${nat.rules} rule lines`,
      nat.lost.map((l) => `lost: ${l}`),
      nat.extra.map((l) => `extra: ${l}`),
      nat.refused.map((r) => `refused: ${r}`),
    ),
    result('acknowledged writes present', `${o.writer.stats.acked} acknowledged`, missingWrites),
  ];
}

/** Rounds of `checkAll` until all pass or `deadlineMs` passes; the last round and how long it took. */
export async function converge(
  o: Parameters<typeof checkAll>[0] & { deadlineMs: number; log?: (line: string) => void },
): Promise<{ results: CheckResult[]; ms: number }> {
  const start = Date.now();
  let last: CheckResult[] = [];
  let rounds = 0;
  for (;;) {
    rounds++;
    try {
      last = await checkAll(o);
    } catch (err) {
      last = [result('checks could be read', 'error', [(err as Error).message])];
    }
    const failing = last.filter((r) => r.failures.length);
    if (!failing.length) return { results: last, ms: Date.now() - start };
    if (Date.now() - start > o.deadlineMs) return { results: last, ms: Date.now() - start };
    if (rounds % 6 === 1)
      o.log?.(
        `  waiting for convergence (${((Date.now() - start) / 1000).toFixed(0)} s): ${failing.map((r) => `${r.name} (${r.failures.length})`).join(', ')}`,
      );
    await sleep(5_000);
  }
}

/** The NB uuids of the flow pods' switch ports (`<pod>.<namespace>`), by port name. */
export async function flowPortUuids(
  layout: LabLayout,
  ports: readonly string[],
): Promise<Map<string, string>> {
  const nb = await readNb(layout);
  const rows = nb.Logical_Switch_Port as unknown as { _uuid: string; name: string }[];
  return new Map(rows.filter((r) => ports.includes(r.name)).map((r) => [r.name, r._uuid]));
}

/**
 * The check "flow pods' ports kept": the switch ports of the pods carrying the flows have the uuids they had before
 * the storm. A port deleted and re-created on the way (a reconcile from a partial cache, say) changes its uuid even
 * when the end state looks right, and drops the flows while it is gone.
 */
export function portsKept(
  names: readonly string[],
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): CheckResult {
  const failures = names.flatMap((name) => {
    const uuid = before.get(name);
    if (!uuid) return [`${name}: not in NB before the storm`];
    const now = after.get(name);
    if (now === uuid) return [];
    return [now ? `${name}: re-created (${uuid} -> ${now})` : `${name}: gone`];
  });
  return result("flow pods' NB ports kept", `${names.length} ports`, failures);
}
