/**
 * Benchmark of custom routing at scale against a real OVN NB ovsdb-server (run: npm run bench:routes). One VPC gets
 * 1,000 static routes and 1,000 policy routes through the real reconciler path (admission with the match checker,
 * desired rows, diff, one owner-tagged transaction), then 10% of them change (100 routes get a new next hop, 100
 * policies a new action); then a fresh controller restarts over the same state. For each phase: time until NB holds
 * the result and the queue is idle, OVSDB operations and transactions sent. Beside them, the bulk-write limit
 * measured in the same run: the same rows in ONE hand-built transaction into a fresh NB, and the same 10% change as
 * one hand-built transaction. Anchor: Kube-OVN issue #4822 (1-3 s per policy add at 260 subnets).
 * Flags: --routes N --policies N (default 1000 each), --change PERCENT (default 10). No assertions. Every process
 * started is stopped by its pid and every temp dir removed, also on error.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/api/types.ts';
import type { OvnNbTables } from '../src/ovsdb/generated/ovn-nb.ts';
import {
  OvsdbClient,
  eq,
  insert,
  insertInto,
  deleteFrom,
  mutate,
  namedUuid,
  set,
  uuid,
  update,
} from '../src/ovsdb/index.ts';
import type { Operation } from '../src/ovsdb/index.ts';
import { NB_MONITOR } from '../src/controller/reconcilers/registry.ts';
import {
  startController,
  vpc,
  type Ovn,
  type Running,
} from '../test/integration/controller/reconcile-harness.ts';
import { startNb, type NbFixture } from '../test/support/ovsdb-server.ts';

const { values: flags } = parseArgs({
  options: {
    routes: { type: 'string', default: '1000' },
    policies: { type: 'string', default: '1000' },
    change: { type: 'string', default: '10' },
  },
});
const ROUTES = Number(flags.routes);
const POLICIES = Number(flags.policies);
const CHANGED = (n: number) => Math.round((n * Number(flags.change)) / 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (v: number) => `${v.toFixed(0)} ms`;
const line = (label: string, value: string, note = '') =>
  console.log(`  ${label.padEnd(48)} ${value.padStart(12)}${note ? `   ${note}` : ''}`);

const fixtures = new Set<NbFixture>();
const clients = new Set<{ close(): void }>();
async function newNb(): Promise<NbFixture> {
  const nb = await startNb();
  fixtures.add(nb);
  return nb;
}
async function cleanupAll(): Promise<void> {
  for (const c of clients) c.close();
  clients.clear();
  for (const nb of [...fixtures]) {
    fixtures.delete(nb);
    await nb.cleanup().catch((err: unknown) => console.error('cleanup:', err));
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanupAll().finally(() => process.exit(130)));
async function connect(nb: NbFixture): Promise<OvsdbClient<OvnNbTables>> {
  const client = await OvsdbClient.connect<OvnNbTables>({ remotes: [nb.unix], database: 'OVN_Northbound' });
  clients.add(client);
  await client.monitor(NB_MONITOR);
  return client;
}

// --- the spec: routes to distinct /32s via four next hops; policies at priorities 1..N with distinct matches ---

const ip = (n: number) => `10.${100 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
const hop = (i: number, shift = 0) => `10.0.0.${10 + ((i + shift) % 4)}`;
function spec(changed: boolean) {
  const c = { routes: changed ? CHANGED(ROUTES) : 0, policies: changed ? CHANGED(POLICIES) : 0 };
  return {
    staticRoutes: Array.from({ length: ROUTES }, (_, i) => ({
      cidr: ip(i),
      nextHopIP: hop(i, i < c.routes ? 1 : 0),
      policy: i % 2 ? 'policySrc' : 'policyDst',
    })),
    policyRoutes: Array.from({ length: POLICIES }, (_, i) => ({
      priority: 1 + i,
      match: `ip4.src == ${ip(i)} && tcp.dst == ${1 + (i % 65000)}`,
      action: i < c.policies ? 'drop' : 'allow',
    })),
  };
}
const vpcObject = (changed: boolean): KubeObject => vpc('bench-vpc', spec(changed));

/** Waits until `done` holds on the NB cache and the controller queue has been idle for 300 ms; returns ms since t0. */
async function until(run: Running, t0: number, done: () => boolean): Promise<number> {
  let idleSince: number | undefined;
  let at = 0;
  for (;;) {
    const m = run.controller.manager.metrics();
    const idle = m.depth === 0 && m.inFlight === 0 && done();
    const now = performance.now();
    if (idle && idleSince === undefined) [idleSince, at] = [now, now - t0];
    if (!idle) idleSince = undefined;
    if (idleSince !== undefined && now - idleSince > 300) return at;
    if (now - t0 > 600_000) throw new Error('not converged within 10 minutes');
    await sleep(5);
  }
}

function owned<K extends 'Logical_Router_Static_Route' | 'Logical_Router_Policy'>(
  client: OvsdbClient<OvnNbTables>,
  table: K,
): OvnNbTables[K][] {
  return client.cache
    .table(table)
    .rows()
    .filter((r) => r.external_ids['kovn-owner'] === 'vpc/bench-vpc');
}
const countOwned = (c: OvsdbClient<OvnNbTables>) =>
  owned(c, 'Logical_Router_Static_Route').length + owned(c, 'Logical_Router_Policy').length;
const changedDone = (c: OvsdbClient<OvnNbTables>) =>
  owned(c, 'Logical_Router_Policy').filter((p) => p.action === 'drop').length === CHANGED(POLICIES) &&
  owned(c, 'Logical_Router_Static_Route').filter((r) => r.nexthop === hop(ipIndex(r.ip_prefix), 1)).length ===
    CHANGED(ROUTES) &&
  countOwned(c) === ROUTES + POLICIES;
function ipIndex(prefix: string): number {
  const [, b, c, d] = prefix
    .replace(/\/\d+$/, '')
    .split('.')
    .map(Number) as [number, number, number, number];
  return ((b - 100) << 16) + (c << 8) + d;
}

// --- the limits: hand-built transactions, no controller ---

function bulkInsertOps(client: OvsdbClient<OvnNbTables>): Operation[] {
  const s = spec(false);
  const tags = { vendor: 'kube-ovn', 'kovn-owner': 'vpc/bench-vpc' };
  const routes = s.staticRoutes.map((r, i) =>
    insert(
      'Logical_Router_Static_Route',
      client.encodeRow('Logical_Router_Static_Route', {
        ip_prefix: `${r.cidr}/32`,
        nexthop: r.nextHopIP,
        policy: r.policy === 'policySrc' ? 'src-ip' : 'dst-ip',
        route_table: '',
        external_ids: tags,
      }),
      `route${i}`,
    ),
  );
  const policies = s.policyRoutes.map((p, i) =>
    insert(
      'Logical_Router_Policy',
      client.encodeRow('Logical_Router_Policy', {
        priority: p.priority,
        match: p.match,
        action: p.action,
        nexthops: [],
        external_ids: tags,
      }),
      `policy${i}`,
    ),
  );
  const router = insert('Logical_Router', {
    ...client.encodeRow('Logical_Router', { name: 'bench-vpc', external_ids: tags }),
    static_routes: set(routes.map((_, i) => namedUuid(`route${i}`))),
    policies: set(policies.map((_, i) => namedUuid(`policy${i}`))),
  });
  return [...routes, ...policies, router];
}

/** The 10% change by hand: new rows for the re-hopped routes (old ones unlinked), action updates for policies. */
function changeOps(client: OvsdbClient<OvnNbTables>): Operation[] {
  const s = spec(true);
  const routes = owned(client, 'Logical_Router_Static_Route');
  const byPrefix = new Map(routes.map((r) => [r.ip_prefix, r]));
  const ops: Operation[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  s.staticRoutes.slice(0, CHANGED(ROUTES)).forEach((r, i) => {
    const old = byPrefix.get(`${r.cidr}/32`)!;
    removed.push(old._uuid);
    ops.push(
      insert(
        'Logical_Router_Static_Route',
        client.encodeRow('Logical_Router_Static_Route', {
          ip_prefix: `${r.cidr}/32`,
          nexthop: r.nextHopIP,
          policy: old.policy ?? 'dst-ip',
          route_table: '',
          external_ids: old.external_ids,
        }),
        `new${i}`,
      ),
    );
    added.push(`new${i}`);
  });
  const policies = new Map(owned(client, 'Logical_Router_Policy').map((p) => [p.priority, p]));
  for (const p of s.policyRoutes.slice(0, CHANGED(POLICIES))) {
    ops.push(
      update('Logical_Router_Policy', [eq('_uuid', uuid(policies.get(p.priority)!._uuid))], {
        action: 'drop',
      }),
    );
  }
  ops.push(
    mutate(
      'Logical_Router',
      [eq('name', 'bench-vpc')],
      [
        insertInto('static_routes', set(added.map(namedUuid))),
        deleteFrom('static_routes', set(removed.map(uuid))),
      ],
    ),
  );
  return ops;
}

async function main(): Promise<void> {
  console.log(
    `bench:routes: one VPC, ${ROUTES} static routes + ${POLICIES} policy routes, then ${flags.change}% changed`,
  );
  const nb = await newNb();
  const ovn = { nbUnix: nb.unix } as Ovn;
  let t0 = performance.now();
  const run = await startController(ovn, [vpcObject(false)]);
  const apply = await until(run, t0, () => countOwned(run.client) === ROUTES + POLICIES);
  const applyStats = { ...run.client.stats };
  t0 = performance.now();
  run.set(vpcObject(true));
  const change = await until(run, t0, () => changedDone(run.client));
  const changeOpsSent = run.client.stats.operationsSent - applyStats.operationsSent;
  const changeTxns = run.client.stats.transactions - applyStats.transactions;
  await run.stop();
  t0 = performance.now();
  const restart = await startController(ovn, [vpcObject(true)]);
  const restartMs = await until(restart, t0, () => changedDone(restart.client));
  const restartOps = restart.client.stats.operationsSent;
  await restart.stop();

  // limits on a fresh NB
  const limitNb = await newNb();
  const client = await connect(limitNb);
  const bulk = bulkInsertOps(client);
  let l0 = performance.now();
  await client.transact(bulk, { timeoutMs: 600_000 });
  const bulkMs = performance.now() - l0;
  await sleep(200);
  const change1 = changeOps(client);
  l0 = performance.now();
  await client.transact(change1, { timeoutMs: 600_000 });
  const changeLimitMs = performance.now() - l0;

  console.log('\n(a) apply to an empty NB');
  line(
    'controller: converged',
    ms(apply),
    `${applyStats.operationsSent} ops in ${applyStats.transactions} txns`,
  );
  line(
    'limit: the same rows, one hand-built transaction',
    ms(bulkMs),
    `${bulk.length} ops; ratio ${(apply / bulkMs).toFixed(1)}x`,
  );
  line(
    'per route or policy',
    `${((apply / (ROUTES + POLICIES)) * 1000).toFixed(0)} µs`,
    'Kube-OVN #4822: 1-3 s per policy add',
  );
  console.log(`\n(b) change ${flags.change}% (${CHANGED(ROUTES)} next hops, ${CHANGED(POLICIES)} actions)`);
  line('controller: converged', ms(change), `${changeOpsSent} ops in ${changeTxns} txns`);
  line(
    'limit: the same change, one hand-built transaction',
    ms(changeLimitMs),
    `${change1.length} ops; ratio ${(change / changeLimitMs).toFixed(1)}x`,
  );
  console.log('\n(c) restart over the converged state');
  line('fresh controller: converged', ms(restartMs), `${restartOps} ops sent (aim: 0)`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
