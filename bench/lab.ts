/**
 * Benchmark of the lab (run: npm run bench:lab). Prints figures next to a baseline measured in the same run; no
 * assertions.
 *   (1) `kovn up` from cold (a new lab home, nothing running) to ready, next to the part of it spent bringing up
 *       the bare OVN/OVS dataplane (read from the status file's component timestamps).
 *   (2) pod-ready latency for --pods pods (default 100) created at once in the default VPC: create -> Running and
 *       answering a ping from its node's namespace (through ovn0, join and ovn-cluster), p50/p90/p99/max, next to
 *       the same latency of one pod created alone.
 *   (3) the stages of a burst pod, each as p50/p99 ms from its creation, in the order of their p50 with the gap to
 *       the previous one (so the largest step is the next bottleneck): scheduled, annotated by the controller, CNI
 *       ADD started and finished on the node agent (its log), OVS port up (the NB Logical_Switch_Port's `up`),
 *       routed (the ping above), Ready. Observed from outside: a pod watch and an NB monitor (lab-observe.ts).
 *   (4) where the burst's CPU went: each lab process's CPU (and that of the children it ran) per pod, and the time
 *       that CPU alone needs on this machine's cores (the floor for the burst when it is CPU-bound).
 *   (5) with `--cpu-prof DIR`: the lab daemon's main thread profiled over the burst (bench/cpu-profile.ts; the
 *       profile is written to DIR), its busy time per pod by file and by function (wall clock: a thread blocked in a
 *       synchronous call, such as a spawn, counts).
 * Anchors: kind creates a cluster in 12-17 s; ovn-kubernetes CI reports 1.2-2.0 s average pod-ready at 400 pods.
 * The lab (temp home, random id) is removed at the end, also on error.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../src/api/types.ts';
import { kubeRequest } from '../src/kube/request.ts';
import { kindCollectionPath } from '../src/kube/resources.ts';
import { readStatus } from '../src/lab/status.ts';
import { LinkHelper } from '../src/node/netlink/link-helper.ts';
import { NODE_NIC } from '../src/node/node-nic.ts';
import { cpuBetween, sampleAll } from './cpu-account.ts';
import { profileProcess, type RunningProfile } from './cpu-profile.ts';
import { observeStages, type StageObserver } from './lab-observe.ts';
import { percentile as pct, STAGE_LABELS, stageRows, StageTimes } from './lab-stages.ts';
import { benchLab } from './lab-home.ts';

const { values: flags } = parseArgs({
  options: { pods: { type: 'string', default: '100' }, 'cpu-prof': { type: 'string' } },
});
const PODS = Number(flags.pods);
const { id, layout, kovn } = benchLab('kovn-bench-lab-', 'b');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const line = (label: string, value: string, note = '') =>
  console.log(`  ${label.padEnd(46)} ${value.padStart(10)}${note ? `   ${note}` : ''}`);

/** The lab's processes by name: the daemon (with the parts that run inside it) and each supervised process. */
function labPids(): Map<string, number> {
  const status = readStatus(layout.statusFile)!;
  const inDaemon = status.components.filter((c) => !c.pid || c.pid === status.pid).map((c) => c.name);
  const pids = new Map<string, number>([
    [`lab daemon (${inDaemon.length} parts: kubelets, scheduler...)`, status.pid],
  ]);
  for (const c of status.components) if (c.pid && c.pid !== status.pid) pids.set(c.name, c.pid);
  return pids;
}

/**
 * Waits for the pods to answer a ping; each pod's time of it (epoch ms). Each pod Running with an IP is pinged on its
 * own from its node's namespace out of `ovn0` (an ICMP echo every 100 ms from a link helper's thread, no process per
 * ping, so the pinging costs the busy machine little and a pod is seen within 100 ms of answering), while the pod
 * list is read again every 100 ms for the others. The deadline grows with the count.
 */
async function podsReady(kc: KubeConfig, names: string[]): Promise<Map<string, number>> {
  const pending = new Set(names);
  const pinging = new Set<string>();
  const routed = new Map<string, number>();
  const limitMs = Math.max(600_000, names.length * 3_000);
  const deadline = Date.now() + limitMs;
  const ping = async (name: string, ip: string, node: string): Promise<void> => {
    while (Date.now() < deadline) {
      const netns = layout.nodeNetns(node);
      const answered = await pinger.announce({
        netns,
        ifname: NODE_NIC,
        gateway: ip,
        addrs: [],
        timeoutMs: 1_000,
      });
      if (answered) {
        routed.set(name, Date.now());
        pending.delete(name);
        return;
      }
    }
  };
  const running: Promise<void>[] = [];
  while (pending.size && Date.now() < deadline) {
    const list = await kubeRequest<{ items: KubeObject[] }>(kc, {
      method: 'GET',
      path: kindCollectionPath('Pod', 'default'),
    });
    for (const p of list.items) {
      const name = p.metadata.name ?? '';
      const s = p['status'] as { phase?: string; podIP?: string } | undefined;
      const node = (p['spec'] as { nodeName?: string }).nodeName;
      if (!pending.has(name) || pinging.has(name) || s?.phase !== 'Running' || !s.podIP || !node) continue;
      pinging.add(name);
      running.push(ping(name, s.podIP, node));
    }
    if (pending.size) await sleep(100);
  }
  await Promise.all(running);
  if (pending.size) throw new Error(`${pending.size} pods not ready after ${limitMs / 1000} s`);
  return routed;
}

/** Each pod's latency from creation to `at`, ascending. */
const latencies = (at: ReadonlyMap<string, number>, created: ReadonlyMap<string, number>): number[] =>
  [...at].map(([name, t]) => t - created.get(name)!).sort((a, b) => a - b);

async function createPods(
  kc: KubeConfig,
  prefix: string,
  n: number,
): Promise<[string[], Map<string, number>]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const created = new Map<string, number>();
  await Promise.all(
    names.map(async (name) => {
      created.set(name, Date.now());
      await kubeRequest(kc, {
        method: 'POST',
        path: kindCollectionPath('Pod', 'default'),
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: 'default' },
          spec: { containers: [{ name: 'c', image: 'pause' }] },
        },
      });
    }),
  );
  return [names, created];
}

let observer: StageObserver | undefined;
const pinger = new LinkHelper();
try {
  console.log(`bench:lab — ${new Date().toISOString()}, ${PODS} pods`);
  const t0 = Date.now();
  const up = kovn('up', '--id', id);
  const upMs = Date.now() - t0;
  if (up.status !== 0) throw new Error(`kovn up failed:\n${up.stdout}${up.stderr}`);
  const status = readStatus(layout.statusFile)!;
  const dataplaneDone = Math.max(
    ...status.components
      .filter((c) => c.name.startsWith('central/') || c.name.includes('/ovn-controller'))
      .map((c) => c.since),
  );
  console.log('\n(1) kovn up from cold');
  line('kovn up, cold, to ready', secs(upMs), 'anchor: kind 12-17 s');
  line(
    '  of which OVN/OVS dataplane up',
    secs(dataplaneDone - status.startedAt),
    `${((100 * (dataplaneDone - status.startedAt)) / upMs).toFixed(0)}% of it`,
  );

  const kc = new KubeConfig();
  kc.loadFromFile(layout.kubeconfig);
  console.log('\n(2) pod-ready latency (create -> Running and answering a ping from its node)');
  const [one, oneAt] = await createPods(kc, 'solo', 1);
  const [solo] = latencies(await podsReady(kc, one), oneAt);
  line('one pod alone (baseline)', secs(solo!));
  const times = new StageTimes();
  observer = await observeStages({
    kubeConfig: kc,
    nbRemote: `unix:${join(layout.centralDir, 'nb.sock')}`,
    logDir: layout.logDir,
    namespace: 'default',
    times,
  });
  const pids = labPids();
  const profileDir = flags['cpu-prof'];
  const profiling: RunningProfile | undefined = profileDir
    ? await profileProcess(status.pid, fileURLToPath(new URL('..', import.meta.url)))
    : undefined;
  const cpuBefore = sampleAll(pids);
  const tBurst = Date.now();
  const [names, created] = await createPods(kc, 'burst', PODS);
  const routed = await podsReady(kc, names);
  const all = Date.now() - tBurst;
  const cpu = cpuBetween(cpuBefore, sampleAll(pids));
  const profile = profileDir
    ? await profiling?.stop(join(profileDir, `lab-daemon-${id}.cpuprofile`))
    : undefined;
  for (const [name, at] of routed) times.mark('routed', name, at);
  observer.readAgentLogs();
  const lat = latencies(routed, created);
  const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
  line(
    `${PODS} pods at once: p50`,
    secs(pct(lat, 50)),
    `${(pct(lat, 50) / solo!).toFixed(1)}x the single pod`,
  );
  line(`${PODS} pods at once: p90`, secs(pct(lat, 90)));
  line(
    `${PODS} pods at once: p99`,
    secs(pct(lat, 99)),
    `${(pct(lat, 99) / solo!).toFixed(1)}x the single pod`,
  );
  line(`${PODS} pods at once: mean`, secs(mean), 'anchor: ovn-kubernetes CI 1.2-2.0 s avg at 400 pods');
  line(`${PODS} pods at once: all ready`, secs(all), `${((PODS * 1000) / all).toFixed(1)} pods/s`);

  console.log(
    `\n(3) stages of the ${PODS} burst pods, ms from each pod's creation, in the order of their p50`,
  );
  console.log(
    `  ${'stage'.padEnd(46)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'p50 gap'.padStart(10)}`,
  );
  for (const r of stageRows(times, created)) {
    const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(10);
    const seen = r.pods < PODS ? `   (${r.pods} of ${PODS} pods seen)` : '';
    console.log(`  ${STAGE_LABELS[r.stage].padEnd(46)} ${ms(r.p50)} ${ms(r.p99)} ${ms(r.gapP50)}${seen}`);
  }

  const cores = availableParallelism();
  const total = cpu.reduce((sum, r) => sum + r.self + r.children, 0);
  console.log(`\n(4) CPU per pod during the burst, by process (self + the children it ran), ${cores} cores`);
  for (const r of cpu.filter((r) => r.self + r.children >= 0.005 * total)) {
    const ms = (x: number) => `${((1000 * x) / PODS).toFixed(0)} ms`;
    line(`  ${r.name}`, ms(r.self + r.children), `own ${ms(r.self)}, children ${ms(r.children)}`);
  }
  line(
    'all lab processes',
    `${((1000 * total) / PODS).toFixed(0)} ms`,
    `CPU-bound floor ${secs((1000 * total) / cores)} for the burst on ${cores} cores`,
  );
  if (profile) {
    const ms = (x: number) => `${(x / PODS).toFixed(1)} ms`;
    console.log(
      `\n(5) the lab daemon's main thread, busy per pod (sampled wall time, ${ms(profile.totalMs)} in all), by file`,
    );
    for (const r of profile.byFile.slice(0, 25)) line(`  ${r.what}`, ms(r.ms));
    console.log('  by function');
    for (const r of profile.byFunction.slice(0, 30)) console.log(`  ${ms(r.ms).padStart(9)}  ${r.what}`);
  }
} finally {
  await observer?.stop();
  await pinger.close();
  const down = kovn('down');
  if (down.status !== 0) console.error(`kovn down failed:\n${down.stdout}${down.stderr}`);
}
