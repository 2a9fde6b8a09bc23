/**
 * Benchmark of the network controller against a real OVN NB `ovsdb-server` (run: npm run bench:nb). No ovn-northd:
 * the controller only talks to NB. Prints figures next to a limit measured in the same run; no assertions.
 *   (a) one VPC with 260 subnets and 5,000 pods, empty NB -> converged: wall time, OVSDB operations and transactions
 *       sent, queue latency; the bulk-write limit: the rows the controller created (dumped from NB after convergence)
 *       written by ONE transaction into a fresh NB, timed; the contract floor: the same rows written one transaction
 *       per owner (what one transaction per reconcile costs without any controller logic); the ratios.
 *   (b) a cold restart: NB already holds what the controller wrote for 100 subnets and 50,000 pods (populated once by
 *       a controller, pods pre-addressed, see `populate`); a fresh controller instance (new NB client, new IPAM) over
 *       the same Kubernetes objects: time until converged and the NB write operations it sent (the aim is zero). The
 *       limit next to it: the time a bare client takes to replicate the same NB tables.
 * Flags: --pods N --subnets N (scale of b, default 50000/100); --a-pods N --a-subnets N (scale of a, 5000/260);
 * --a-limit S (give up on (a) after S seconds, checked between reconciles, default 300); --skip-a; --skip-b;
 * --concurrency N (controller workers and the contract floor's outstanding transactions; default: the controller's).
 * Every process started is stopped by its pid and every temp dir removed, also on error.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/api/types.ts';
import { OWNED_TABLES } from '../src/controller/nb/model.ts';
import { defaultSubnet } from '../src/api/kinds/subnet-defaults.ts';
import type { Subnet } from '../src/api/kinds/subnet-schema.ts';
import { keyOf } from '../src/kube/queue/keys.ts';
import { nicName } from '../src/controller/reconcilers/ipam-view.ts';
import { ipObjectFor, podNicRecords } from '../src/controller/reconcilers/ip-objects.ts';
import { podAnnotations, podRequest } from '../src/controller/reconcilers/pod-annotations.ts';
import { NETWORK_WORKERS } from '../src/controller/reconcilers/controller.ts';
import { NB_MONITOR } from '../src/controller/reconcilers/registry.ts';
import type { OvnNbTables } from '../src/ovsdb/generated/ovn-nb.ts';
import {
  OvsdbClient,
  eq,
  insert,
  insertInto,
  mutate,
  namedUuid,
  set,
  type Operation,
} from '../src/ovsdb/index.ts';
import {
  ns,
  pod,
  startController,
  subnet,
  vpc,
  type Ovn,
  type Running,
} from '../test/integration/controller/reconcile-harness.ts';
import { startNb, type NbFixture } from '../test/support/ovsdb-server.ts';

const { values: flags } = parseArgs({
  options: {
    pods: { type: 'string', default: '50000' },
    subnets: { type: 'string', default: '100' },
    'a-pods': { type: 'string', default: '5000' },
    'a-subnets': { type: 'string', default: '260' },
    'a-limit': { type: 'string', default: '300' },
    'skip-a': { type: 'boolean', default: false },
    'skip-b': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
  },
});
const int = (s: string, name: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${s}`);
  return n;
};
const scaleA = { subnets: int(flags['a-subnets'], 'a-subnets'), pods: int(flags['a-pods'], 'a-pods') };
const scaleB = { subnets: int(flags.subnets, 'subnets'), pods: int(flags.pods, 'pods') };
/** Controller workers (default: the controller's own default). */
const workers = flags.concurrency === undefined ? {} : { concurrency: int(flags.concurrency, 'concurrency') };

const ROUTED = 'ovn.kubernetes.io/routed';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const num = (n: number): string => n.toLocaleString('en-US');
const ratio = (a: number, b: number): string => (b === 0 ? 'n/a' : `${(a / b).toFixed(1)}x`);
const line = (label: string, value: string, note = ''): void =>
  console.log(`  ${label.padEnd(44)} ${value.padStart(14)}${note ? `   ${note}` : ''}`);

// --- resources: every NB started is stopped (by the pid it started) and its dir removed, also on error ---

const fixtures = new Set<NbFixture>();
const clients = new Set<{ close(): void }>();
async function newNb(): Promise<NbFixture> {
  const nb = await startNb();
  fixtures.add(nb);
  return nb;
}
async function dropNb(nb: NbFixture): Promise<void> {
  fixtures.delete(nb);
  await nb.cleanup();
}
async function cleanupAll(): Promise<void> {
  for (const c of clients) c.close();
  clients.clear();
  for (const nb of [...fixtures]) await dropNb(nb).catch((err: unknown) => console.error('cleanup:', err));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanupAll().finally(() => process.exit(130));
  });
}

/** CPU time (user + system) the NB ovsdb-server has used so far, from /proc (Linux; 0 if unreadable). */
function serverCpuMs(nb: NbFixture): number {
  try {
    const stat = readFileSync(`/proc/${nb.server.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return 0;
  }
}

/** `startController` only reads `nbUnix`; the NB here is a bare ovsdb-server (no SB, no northd). */
const ovnOf = (nb: NbFixture): Ovn => ({ nbUnix: nb.unix }) as Ovn;

async function connect(nb: NbFixture): Promise<OvsdbClient<OvnNbTables>> {
  const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [nb.unix], database: 'OVN_Northbound' });
  clients.add(client);
  return client;
}
function close(client: OvsdbClient<OvnNbTables>): void {
  clients.delete(client);
  client.close();
}

// --- the Kubernetes objects: one VPC, `subnets` subnets (one namespace each), `pods` pods spread evenly ---

const subnetOfNamespace = (namespace: string): string => namespace.replace(/^tenant-/, 'bench-');

function scenario(scale: { subnets: number; pods: number }): KubeObject[] {
  const perSubnet = Math.ceil(scale.pods / scale.subnets);
  // the smallest prefix with room for the pods, the gateway and the network/broadcast addresses
  const prefix = 32 - Math.ceil(Math.log2(perSubnet + 4));
  const size = 2 ** (32 - prefix);
  const cidr = (i: number): string => {
    const base = (10 << 24) + 128 * 2 ** 16 + i * size;
    return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${prefix}`;
  };
  const namespaces = Array.from({ length: scale.subnets }, (_, i) => `tenant-${i}`);
  return [
    vpc('bench-vpc', { namespaces }),
    ...namespaces.flatMap((name, i) => [
      ns(name),
      subnet(`bench-${i}`, { vpc: 'bench-vpc', cidrBlock: cidr(i), protocol: 'IPv4', namespaces: [name] }),
    ]),
    ...Array.from({ length: scale.pods }, (_, j) => pod(`pod-${j}`, namespaces[j % scale.subnets]!)),
  ];
}

const routedPods = (run: Running): number =>
  run.informers
    .get('Pod')!
    .list()
    .filter((p) => p.metadata.annotations?.[ROUTED] === 'true').length;

/** When the controller reached its final state, and when its queue went idle (scheduled re-checks included). */
interface Convergence {
  /** The last NB transaction or Kubernetes write before the idle period (performance.now() ms). */
  lastWriteAt: number;
  /** The start of the idle period. */
  idleAt: number;
}

/**
 * Waits until every pod is routed and the queue is idle (nothing ready, running or scheduled: a key waiting for a
 * dependency re-checks after a delay, and that re-check must find nothing to do) and stays so for `quietMs`; returns
 * when the last write happened and when the idle period began, or undefined at `deadline` (performance.now() ms).
 * Polls cheap counters every `pollMs`; counts routed pods only once the queue is idle. `minReconciles`: reconciles
 * that must have finished.
 */
async function converged(
  run: Running,
  pods: number,
  minReconciles: number,
  deadline = performance.now() + 3_600_000,
  quietMs = 500,
  pollMs = 10,
): Promise<Convergence | undefined> {
  let idleSince: number | undefined;
  let writes = -1;
  let lastWriteAt = performance.now();
  while (performance.now() < deadline) {
    const now = performance.now();
    const w = run.client.stats.transactions + run.writer.writes;
    if (w !== writes) {
      writes = w;
      lastWriteAt = now;
      idleSince = undefined;
    }
    const m = run.controller.manager.metrics();
    const idle = m.depth === 0 && m.inFlight === 0 && m.delayed === 0 && m.succeeded >= minReconciles;
    if (idle && idleSince === undefined) {
      if (routedPods(run) >= pods) idleSince = now;
    } else if (!idle) idleSince = undefined;
    if (idleSince !== undefined && now - idleSince >= quietMs) return { lastWriteAt, idleAt: idleSince };
    await sleep(pollMs);
  }
  return undefined;
}

interface ControllerRun {
  /** Time to the last write of the converged state, or to the deadline when `converged` is false. */
  ms: number;
  /** Time until the queue was idle, scheduled re-checks included. */
  idleMs: number;
  /** CPU time of this process (controller and benchmark loop) until then. */
  cpuMs: number;
  /** CPU time of the NB ovsdb-server meanwhile. */
  serverCpuMs: number;
  converged: boolean;
  routed: number;
  ops: number;
  txns: number;
  kubeWrites: number;
  queueLatencyMaxMs: number;
  queueLatencyMeanMs: number;
  reconciles: number;
  failed: number;
}

/** The objects that get a reconcile of their own: an IP object has none (the IP watch maps it to its pod). */
const reconciled = (objects: readonly KubeObject[]): number => objects.filter((o) => o.kind !== 'IP').length;

/** Starts a controller over `objects` against `nb`, waits until converged, stops it; returns the figures. */
async function runController(
  nb: NbFixture,
  objects: readonly KubeObject[],
  pods: number,
  seed: number,
  options: { limitMs?: number; keep?: (run: Running) => void } = {},
): Promise<ControllerRun> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const serverCpu0 = serverCpuMs(nb);
  const run = await startController(ovnOf(nb), objects, seed, workers);
  try {
    const done = await converged(run, pods, reconciled(objects), t0 + (options.limitMs ?? 3_600_000));
    const m = run.controller.manager.metrics();
    const cpu = process.cpuUsage(cpu0);
    const figures = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      serverCpuMs: serverCpuMs(nb) - serverCpu0,
      ms: (done?.lastWriteAt ?? performance.now()) - t0,
      idleMs: (done?.idleAt ?? performance.now()) - t0,
      converged: done !== undefined,
      routed: routedPods(run),
      ops: run.client.stats.operationsSent,
      txns: run.client.stats.transactions,
      kubeWrites: run.writer.writes,
      queueLatencyMaxMs: m.queueLatency.maxMs,
      queueLatencyMeanMs: m.queueLatency.sumMs / Math.max(1, m.queueLatency.count),
      reconciles: m.succeeded,
      failed: m.failed,
    };
    if (done !== undefined) options.keep?.(run);
    return figures;
  } finally {
    await run.stop();
  }
}

// --- the bulk-write limit: the owned NB rows, inserted by one transaction ---

type Dump = { table: (typeof OWNED_TABLES)[number]; row: Record<string, unknown> }[];

function dumpOwned(client: OvsdbClient<OvnNbTables>): Dump {
  return OWNED_TABLES.flatMap((table) =>
    client.cache
      .table(table)
      .rows()
      .map((row) => ({ table, row: { ...row } })),
  );
}

/** One insert per row; references between the rows become uuid-names (the codec encodes them as named-uuid). */
function bulkOps(client: OvsdbClient<OvnNbTables>, dump: Dump): Operation[] {
  const nameOf = (uuid: string): string => `r${uuid.replaceAll('-', '_')}`;
  return dump.map(({ table, row }) => {
    const types = client.columnTypes(table);
    const out: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      if (column === '_uuid' || column === '_version' || value === undefined) continue;
      const type = types.get(column);
      if (!type) continue;
      const ref = type.key.type === 'uuid' && type.value === undefined;
      const rename = (u: unknown): string => nameOf(typeof u === 'string' ? u : '');
      out[column] = !ref ? value : Array.isArray(value) ? value.map(rename) : rename(value);
    }
    return insert(table, client.encodeRow(table, out), nameOf(String(row['_uuid'])));
  });
}

async function bulkWrite(
  dump: Dump,
): Promise<{ ms: number; ops: number; rows: number; serverCpuMs: number }> {
  const nb = await newNb();
  try {
    const client = await connect(nb);
    const t0 = performance.now();
    const serverCpu0 = serverCpuMs(nb);
    const ops = bulkOps(client, dump);
    await client.transact(ops, { timeoutMs: 600_000 });
    const ms = performance.now() - t0;
    const serverCpu = serverCpuMs(nb) - serverCpu0;
    close(client);
    const check = await connect(nb);
    await check.monitor(NB_MONITOR);
    const rows = OWNED_TABLES.reduce((n, t) => n + check.cache.table(t).size, 0);
    close(check);
    return { ms, ops: ops.length, rows, serverCpuMs: serverCpu };
  } finally {
    await dropNb(nb);
  }
}

const PARENT_COLUMNS = ['ports', 'policies', 'static_routes'] as const;
const OWNER_RANK = ['vpc/', 'subnet/', 'pod/'];

/**
 * The same rows written as the controller's contract writes them, without the controller: one transaction per owner
 * (each owner's rows inserted, and linked into parents it does not own by a `mutate` on the parent's name), parents'
 * owners first (VPCs, then subnets, then pods), `concurrency` transactions outstanding on one connection.
 */
async function perOwnerWrite(
  dump: Dump,
  concurrency: number,
): Promise<{ ms: number; txns: number; ops: number; rows: number }> {
  const uuidName = (uuid: string): string => `r${uuid.replaceAll('-', '_')}`;
  const ownerOf = (row: Record<string, unknown>): string =>
    (row['external_ids'] as Record<string, string> | undefined)?.['kovn-owner'] ?? '';
  const parentOf = new Map<string, { table: string; name: string; column: string }>();
  for (const { table, row } of dump) {
    for (const column of PARENT_COLUMNS) {
      const children = row[column];
      for (const child of Array.isArray(children) ? children : children ? [children] : [])
        parentOf.set(String(child), { table, name: String(row['name']), column });
    }
  }
  const uuidByName = new Map(
    dump.map(({ table, row }) => [`${table}/${String(row['name'])}`, String(row['_uuid'])]),
  );
  const groups = new Map<string, Dump>();
  for (const entry of dump) {
    const owner = ownerOf(entry.row);
    const group = groups.get(owner);
    if (group) group.push(entry);
    else groups.set(owner, [entry]);
  }
  const nb = await newNb();
  try {
    const client = await connect(nb);
    const ownerUuids = (group: Dump) => new Set(group.map(({ row }) => String(row['_uuid'])));
    const opsOf = (group: Dump): Operation[] => {
      const mine = ownerUuids(group);
      // references to rows of other owners are left out: those owners link their rows in themselves
      const local = group.map(({ table, row }) => {
        const kept = { ...row };
        for (const column of PARENT_COLUMNS) {
          const v = row[column];
          if (Array.isArray(v)) kept[column] = v.filter((u) => mine.has(String(u)));
        }
        return { table, row: kept };
      });
      const links = group.flatMap(({ row }) => {
        const parent = parentOf.get(String(row['_uuid']));
        if (!parent || mine.has(uuidByName.get(`${parent.table}/${parent.name}`) ?? '')) return [];
        return [
          mutate(
            parent.table,
            [eq('name', parent.name)],
            [insertInto(parent.column, set([namedUuid(uuidName(String(row['_uuid'])))]))],
          ),
        ];
      });
      return [...bulkOps(client, local), ...links];
    };
    const ranked = OWNER_RANK.map((prefix) =>
      [...groups].filter(([owner]) => owner.startsWith(prefix)).map(([, g]) => g),
    );
    const batches = ranked.map((rank) => rank.map(opsOf));
    let txns = 0;
    let ops = 0;
    const t0 = performance.now();
    for (const batch of batches) {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < batch.length) {
          const txn = batch[next++]!;
          txns++;
          ops += txn.length;
          await client.transact(txn);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    const ms = performance.now() - t0;
    close(client);
    const check = await connect(nb);
    await check.monitor(NB_MONITOR);
    const rows = OWNED_TABLES.reduce((n, t) => n + check.cache.table(t).size, 0);
    close(check);
    return { ms, txns, ops, rows };
  } finally {
    await dropNb(nb);
  }
}

/** Time for a bare client to replicate the NB tables the controller monitors (its start cannot be faster). */
async function replicate(nb: NbFixture): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  const client = await connect(nb);
  await client.monitor(NB_MONITOR);
  const ms = performance.now() - t0;
  const rows = OWNED_TABLES.reduce((n, t) => n + client.cache.table(t).size, 0);
  close(client);
  return { ms, rows };
}

const tableCounts = (dump: Dump): string =>
  OWNED_TABLES.map(
    (t) => `${t.replace('Logical_', '')}=${num(dump.filter((d) => d.table === t).length)}`,
  ).join(' ');

// --- populating an NB fast with exactly what the controller writes ---

interface Populated {
  ms: number;
  ops: number;
  txns: number;
  objects: KubeObject[];
  dump: Dump;
}

/**
 * Fills `nb` with what the controller writes for `scale`, without the controller's cost of addressing many waiting
 * pods at once (measured in (a)): a controller converges the VPC and subnets; then every pod arrives already addressed
 * as a previous controller left it (the address and MAC from this controller's own IPAM, the annotations from its
 * pod annotation builder over the defaulted subnet, the pod's IP object from its IP object builder) and the
 * controller writes its switch port and, to Kubernetes, only the subnets' recomputed usage. Every NB row is written
 * by the controller. Returns the Kubernetes objects as it left them and a dump of the NB rows.
 */
async function populate(
  nb: NbFixture,
  scale: { subnets: number; pods: number },
  seed: number,
): Promise<Populated> {
  const all = scenario(scale);
  const pods = all.filter((o) => o.kind === 'Pod');
  const rest = all.filter((o) => o.kind !== 'Pod');
  const t0 = performance.now();
  const run = await startController(ovnOf(nb), rest, seed, workers);
  try {
    if ((await converged(run, 0, rest.length)) === undefined)
      throw new Error('populate: subnets did not converge');
    for (const p of pods) {
      const name = p.metadata.name ?? '';
      const namespace = p.metadata.namespace ?? '';
      const subnetName = subnetOfNamespace(namespace);
      const result = run.controller.ipam.allocate(subnetName, nicName(name, namespace), podRequest(p));
      if (!result.ok) throw new Error(`populate: ${result.message}`);
      const sub = defaultSubnet(run.get('Subnet', subnetName) as Subnet);
      const addressed = {
        ...p,
        metadata: { ...p.metadata, annotations: podAnnotations(p, sub, result.allocation) },
      };
      // pod and record in one synchronous step, so no reconcile sees either without the other
      run.set(addressed);
      for (const nic of podNicRecords(addressed, { subnet: subnetName, allocation: result.allocation }, []))
        run.set(ipObjectFor(nic));
    }
    // the pod reconciler enqueues a subnet when its usage changes; here the addresses were taken before it ran
    for (let i = 0; i < scale.subnets; i++) run.controller.manager.enqueue(keyOf('Subnet', `bench-${i}`));
    const done = await converged(run, pods.length, rest.length + pods.length);
    if (done === undefined) throw new Error('populate: pods did not converge');
    return {
      ms: done.lastWriteAt - t0,
      ops: run.client.stats.operationsSent,
      txns: run.client.stats.transactions,
      objects: run.objects(),
      dump: dumpOwned(run.client),
    };
  } finally {
    await run.stop();
  }
}

// --- the scenarios ---

const limitS = Number(flags['a-limit']);

async function scenarioA(): Promise<void> {
  const { subnets, pods } = scaleA;
  const full = subnets === 260 && pods === 5000;
  console.log(
    `\n(a) one VPC, ${num(subnets)} subnets, ${num(pods)} pods: empty NB -> converged` +
      (full ? '' : ' (reduced scale; the target is 260 subnets and 5,000 pods)'),
  );
  const objects = scenario(scaleA);
  let dump: Dump = [];
  let run: ControllerRun;
  const nb = await newNb();
  try {
    run = await runController(nb, objects, pods, 1, {
      limitMs: limitS * 1000,
      keep: (r) => (dump = dumpOwned(r.client)),
    });
  } finally {
    await dropNb(nb);
  }
  const lower = run.converged ? '' : '> ';
  if (run.converged) {
    line('controller: wall time to converged', secs(run.ms), 'the last write of the final state');
    line('controller: wall time to an idle queue', secs(run.idleMs), 'scheduled re-checks included');
  } else {
    line('controller: NOT converged at the time limit', `> ${secs(run.ms)}`, `--a-limit ${limitS}`);
    line('controller: pods routed at the limit', `${num(run.routed)}/${num(pods)}`);
  }
  line('controller: CPU time of this process', secs(run.cpuMs), 'until idle, benchmark polling included');
  line('controller: CPU time of the NB ovsdb-server', secs(run.serverCpuMs));
  line('controller: OVSDB operations sent', lower + num(run.ops));
  line('controller: transactions sent', lower + num(run.txns));
  line('controller: reconciles (failed)', `${num(run.reconciles)} (${run.failed})`);
  line(
    'controller: queue latency mean / max',
    `${secs(run.queueLatencyMeanMs)} / ${secs(run.queueLatencyMaxMs)}`,
  );
  if (!run.converged) {
    // the final NB content for the limit, from the fast populate path (the same rows, written by the controller)
    const nb2 = await newNb();
    try {
      const p = await populate(nb2, scaleA, 1);
      dump = p.dump;
      line('final NB content via populate path', secs(p.ms), `${num(p.ops)} ops, ${num(p.txns)} txns`);
    } finally {
      await dropNb(nb2);
    }
  }
  console.log(`  NB rows of the converged state: ${num(dump.length)} (${tableCounts(dump)})`);
  const bulk = await bulkWrite(dump);
  line('bulk-write limit: one transaction, wall time', secs(bulk.ms), `${num(bulk.rows)} rows read back`);
  line('bulk-write limit: operations', num(bulk.ops));
  line('bulk-write limit: CPU time of the NB ovsdb-server', secs(bulk.serverCpuMs));
  const outstanding = workers.concurrency ?? NETWORK_WORKERS;
  const floor = await perOwnerWrite(dump, outstanding);
  line(
    'contract floor: one transaction per owner',
    secs(floor.ms),
    `${num(floor.txns)} txns, ${num(floor.ops)} ops, ${outstanding} outstanding, ${num(floor.rows)} rows`,
  );
  line('ratio controller/bulk: wall time', lower + ratio(run.ms, bulk.ms));
  line('ratio controller/contract floor: wall time', lower + ratio(run.ms, floor.ms));
  line('ratio controller/bulk: operations', run.converged ? ratio(run.ops, bulk.ops) : 'n/a');
  line('ratio controller/bulk: transactions', run.converged ? ratio(run.txns, 1) : 'n/a');
  console.log(
    '  anchor: Kube-OVN #4822, 260 subnets and 5k ports: 1-3 s per policy add, queue latency over 10 minutes',
  );
}

async function scenarioB(): Promise<void> {
  const { subnets, pods } = scaleB;
  const full = subnets === 100 && pods === 50_000;
  console.log(
    `\n(b) cold restart, NB holding ${num(subnets)} subnets and ${num(pods)} pods` +
      (full ? '' : ' (reduced scale; the target is 100 subnets and 50,000 pods)'),
  );
  const nb = await newNb();
  try {
    const first = await populate(nb, scaleB, 1);
    line(
      'populate (controller, pods pre-addressed)',
      secs(first.ms),
      `${num(first.ops)} ops, ${num(first.txns)} txns`,
    );
    console.log(`  NB rows: ${num(first.dump.length)} (${tableCounts(first.dump)})`);
    const limit = await replicate(nb);
    const second = await runController(nb, first.objects, pods, 2);
    line(
      'restart: time to an idle queue',
      secs(second.idleMs),
      `${((second.idleMs / pods) * 1000).toFixed(0)} µs per pod (no write to wait for: the aim is none)`,
    );
    line('restart: CPU time of this process', secs(second.cpuMs), 'until idle, benchmark polling included');
    line('restart: CPU time of the NB ovsdb-server', secs(second.serverCpuMs));
    line('restart: NB write operations sent', num(second.ops), 'aim: 0');
    line('restart: NB transactions sent', num(second.txns));
    line('restart: Kubernetes writes', num(second.kubeWrites));
    line('restart: reconciles (failed)', `${num(second.reconciles)} (${second.failed})`);
    line('limit: bare client replicating NB', secs(limit.ms), `${num(limit.rows)} rows`);
    line('ratio restart/replication', ratio(second.idleMs, limit.ms));
  } finally {
    await dropNb(nb);
  }
  console.log('  anchor: Kube-OVN #4849, 150k pods: a restart takes over an hour');
}

try {
  console.log(`kovn NB benchmark (node ${process.version}, real NB ovsdb-server, no northd)`);
  if (!flags['skip-a']) await scenarioA();
  if (!flags['skip-b']) await scenarioB();
} finally {
  await cleanupAll();
}
