/**
 * Diagnosis of ovs-vswitchd's CPU during a pod burst (issue 19 point 3; docs/benchmarks.md, "ovs-vswitchd per pod").
 * Run: `flock /tmp/lab.lock node bench/vswitchd-probe.ts --pods 40`. Brings a lab up, runs each `--set` ovs-vsctl
 * command against every node's database (e.g. `--set "set Open_vSwitch . other_config:max-idle=1000"`) and writes
 * each `--sysctl K=V` in every node's namespace, creates one pod alone, then `--pods` pods at once (all on one node
 * with `--node NAME`, which tells the cost of a node's own pods from that of the other node's), and prints per node:
 * ovs-vswitchd's and ovn-controller's CPU per pod over the burst, the node namespace's links, routes and addresses,
 * the datapath flows left and `upcall/show`, the revalidation counters, the coverage counters that grew most (per
 * pod), the br-int flow count before and after, and ovs-vswitchd's idle CPU for `--idle` seconds after the burst (a
 * time-driven cost shows there, an event-driven one does not). `--perf` records both vswitchds with `perf record
 * -g` during the burst (files in the temp directory) and prints the top symbols; `--strace` counts the netlink
 * requests each vswitchd sends during the burst, by type. No assertions; the lab is removed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../src/api/types.ts';
import { kubeRequest } from '../src/kube/request.ts';
import { kindCollectionPath } from '../src/kube/resources.ts';
import { DEFAULT_NODES } from '../src/lab/layout.ts';
import { readStatus } from '../src/lab/status.ts';
import { ovsEnv } from '../src/ovn/daemons.ts';
import { cpuOf } from './cpu-account.ts';
import { benchLab } from './lab-home.ts';

const { values: flags } = parseArgs({
  options: {
    pods: { type: 'string', default: '40' },
    set: { type: 'string', multiple: true, default: [] },
    idle: { type: 'string', default: '20' },
    perf: { type: 'boolean', default: false },
    strace: { type: 'boolean', default: false },
    node: { type: 'string' },
    sysctl: { type: 'string', multiple: true, default: [] },
    top: { type: 'string', default: '25' },
  },
});
const PODS = Number(flags.pods);
const { id, layout, kovn } = benchLab('kovn-vsw-probe-', 'v');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rundir = (node: string) => join(layout.nodeDir(node), 'ovs');
const run = (cmd: string, args: string[], node: string) =>
  spawnSync(cmd, args, { env: { ...process.env, ...ovsEnv(rundir(node)) }, encoding: 'utf8' });
const vswitchdCtl = (node: string) => join(rundir(node), 'ovs-vswitchd.ctl');
const pidOf = (node: string, daemon: string) =>
  Number(readFileSync(join(rundir(node), `${daemon}.pid`), 'utf8').trim());
const cpuMs = (pid: number) => {
  const c = cpuOf(pid);
  return c ? 1000 * (c.self + c.children) : NaN;
};
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const RTM_NAMES: Record<number, string> = {
  16: 'RTM_NEWLINK',
  18: 'RTM_GETLINK',
  22: 'RTM_GETADDR',
  26: 'RTM_GETROUTE',
  36: 'RTM_NEWQDISC',
  37: 'RTM_DELQDISC',
  38: 'RTM_GETQDISC',
};

/** The bytes of a string as strace prints it (`4\0\0\0\22...`): C escapes, octal or named. */
function unescapeC(text: string): number[] {
  const named: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '\\': 92, '"': 34 };
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      bytes.push(text.charCodeAt(i));
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))?.[0];
    if (octal) {
      bytes.push(parseInt(octal, 8));
      i += octal.length;
    } else {
      bytes.push(named[text[i + 1]!] ?? 0);
      i += 1;
    }
  }
  return bytes;
}

/** The message type of one netlink send in an strace line: decoded by strace, or read from the raw header. */
function netlinkType(line: string): string | undefined {
  const decoded = /nlmsg_type=(\w+)/.exec(line)?.[1];
  if (decoded) return decoded;
  const raw = /iov_base="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  if (raw === undefined) return undefined;
  const b = unescapeC(raw);
  if (b.length < 6) return undefined;
  const type = b[4]! | (b[5]! << 8);
  return RTM_NAMES[type] ?? `type ${type}`;
}

/** coverage/show totals by counter name. */
function coverage(ctl: string, node: string): Map<string, number> {
  const out = run('ovs-appctl', ['-t', ctl, 'coverage/show'], node).stdout;
  const totals = new Map<string, number>();
  for (const m of out.matchAll(/^(\S+)\s+.*total: (\d+)$/gm)) totals.set(m[1]!, Number(m[2]));
  return totals;
}

function flowCount(node: string): number {
  const out = run('ovs-ofctl', ['dump-aggregate', `unix:${join(rundir(node), 'br-int.mgmt')}`], node).stdout;
  return Number(/flow_count=(\d+)/.exec(out)?.[1] ?? NaN);
}

function ovnControllerCtl(node: string): string {
  return join(rundir(node), `ovn-controller.${pidOf(node, 'ovn-controller')}.ctl`);
}

interface Snapshot {
  vswitchd: number;
  controller: number;
  cov: Map<string, number>;
  ovnCov: Map<string, number>;
  flows: number;
}

function snapshot(node: string): Snapshot {
  return {
    vswitchd: cpuMs(pidOf(node, 'ovs-vswitchd')),
    controller: cpuMs(pidOf(node, 'ovn-controller')),
    cov: coverage(vswitchdCtl(node), node),
    ovnCov: coverage(ovnControllerCtl(node), node),
    flows: flowCount(node),
  };
}

function topDeltas(a: Map<string, number>, b: Map<string, number>, n: number): string[] {
  return [...b]
    .map(([k, v]) => [k, v - (a.get(k) ?? 0)] as const)
    .filter(([, d]) => d > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(
      ([k, d]) => `    ${k.padEnd(34)} ${String(d).padStart(9)}  ${(d / PODS).toFixed(1).padStart(8)}/pod`,
    );
}

async function createPods(kc: KubeConfig, prefix: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  await Promise.all(
    names.map((name) =>
      kubeRequest(kc, {
        method: 'POST',
        path: kindCollectionPath('Pod', 'default'),
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: 'default' },
          spec: {
            ...(flags.node && prefix === 'burst' ? { nodeName: flags.node } : {}),
            containers: [{ name: 'c', image: 'pause' }],
          },
        },
      }),
    ),
  );
  return names;
}

/** Until every named pod is Running with the PodReady condition. */
async function podsReady(kc: KubeConfig, names: string[]): Promise<void> {
  const pending = new Set(names);
  const deadline = Date.now() + Math.max(600_000, names.length * 3_000);
  while (pending.size && Date.now() < deadline) {
    const list = await kubeRequest<{ items: KubeObject[] }>(kc, {
      method: 'GET',
      path: kindCollectionPath('Pod', 'default'),
    });
    for (const p of list.items) {
      const s = p['status'] as { conditions?: { type: string; status: string }[] } | undefined;
      if (s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        pending.delete(p.metadata.name ?? '');
    }
    if (pending.size) await sleep(200);
  }
  if (pending.size) throw new Error(`${pending.size} pods not ready`);
}

/** perf and strace processes started, stopped at the end whatever happened. */
const tracers: ChildProcess[] = [];

try {
  console.log(`vswitchd-probe — ${new Date().toISOString()}, ${PODS} pods, load ${loadavg()}`);
  for (const s of flags.set) console.log(`  set on every node: ovs-vsctl ${s}`);
  if (flags.node) console.log(`  every burst pod on ${flags.node}`);
  for (const s of flags.sysctl) console.log(`  sysctl in every node's namespace: ${s}`);
  const up = kovn('up', '--id', id);
  if (up.status !== 0) throw new Error(`kovn up failed:\n${up.stdout}${up.stderr}`);
  if (!readStatus(layout.statusFile)) throw new Error('no status file');
  const nodes = [...DEFAULT_NODES];
  for (const node of nodes)
    for (const s of flags.set) {
      const r = run('ovs-vsctl', [`--db=unix:${join(rundir(node), 'db.sock')}`, ...s.split(' ')], node);
      if (r.status !== 0) throw new Error(`ovs-vsctl ${s} on ${node}: ${r.stderr}`);
    }
  for (const node of nodes)
    for (const s of flags.sysctl) {
      const r = spawnSync('ip', ['netns', 'exec', layout.nodeNetns(node), 'sysctl', '-qw', s], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`sysctl ${s} on ${node}: ${r.stderr}`);
    }
  const kc = new KubeConfig();
  kc.loadFromFile(layout.kubeconfig);
  await podsReady(kc, await createPods(kc, 'solo', 1));
  await sleep(3_000);
  const before = new Map(nodes.map((n) => [n, snapshot(n)]));
  const perf = flags.perf
    ? nodes.map((n) => {
        const file = join(tmpdir(), `vswitchd-probe-perf-${n}.data`);
        const child = spawn(
          'perf',
          ['record', '-g', '-F', '499', '-o', file, '-p', String(pidOf(n, 'ovs-vswitchd'))],
          {
            stdio: 'ignore',
          },
        );
        tracers.push(child);
        return { node: n, file, child, exited: new Promise((r) => child.once('exit', r)) };
      })
    : [];
  const straced = flags.strace
    ? nodes.map((n) => {
        const file = join(tmpdir(), `vswitchd-probe-strace-${n}.txt`);
        // run inside the node's namespace, where strace can tell vswitchd's netlink sockets and decode them
        const child = spawn(
          'ip',
          [
            ...['netns', 'exec', layout.nodeNetns(n), 'strace'],
            '-f',
            '-qq',
            '-yy',
            '-e',
            'trace=sendmsg,sendto',
            '-o',
            file,
            '-p',
            String(pidOf(n, 'ovs-vswitchd')),
          ],
          { stdio: 'ignore' },
        );
        tracers.push(child);
        return { node: n, file, child, exited: new Promise((r) => child.once('exit', r)) };
      })
    : [];
  if (straced.length) await sleep(1_000);
  const t0 = Date.now();
  await podsReady(kc, await createPods(kc, 'burst', PODS));
  const burstMs = Date.now() - t0;
  const after = new Map(nodes.map((n) => [n, snapshot(n)]));
  for (const p of [...perf, ...straced]) p.child.kill('SIGINT');
  for (const p of straced) {
    await p.exited;
    const types = new Map<string, number>();
    for (const line of readFileSync(p.file, 'utf8').split('\n')) {
      if (!line.includes('<NETLINK:')) continue;
      const t = netlinkType(line);
      if (t) types.set(t, (types.get(t) ?? 0) + 1);
    }
    console.log(`netlink requests of ${p.node}'s ovs-vswitchd during the burst (strace):`);
    for (const [t, c] of [...types].sort((a, b) => b[1] - a[1]))
      console.log(`    ${t.padEnd(34)} ${String(c).padStart(9)}  ${(c / PODS).toFixed(1).padStart(8)}/pod`);
  }
  const idleS = Number(flags.idle);
  const idle0 = new Map(nodes.map((n) => [n, cpuMs(pidOf(n, 'ovs-vswitchd'))]));
  await sleep(idleS * 1000);
  const idle1 = new Map(nodes.map((n) => [n, cpuMs(pidOf(n, 'ovs-vswitchd'))]));
  console.log(`\nburst: ${PODS} pods Ready in ${(burstMs / 1000).toFixed(1)} s, load ${loadavg()}`);
  for (const n of nodes) {
    const a = before.get(n)!;
    const b = after.get(n)!;
    console.log(`\n${n}`);
    console.log(
      `  ovs-vswitchd ${((b.vswitchd - a.vswitchd) / PODS).toFixed(1)} ms/pod` +
        ` (${((b.vswitchd - a.vswitchd) / (burstMs / 1000)).toFixed(0)} ms/s of burst);` +
        ` idle after: ${((idle1.get(n)! - idle0.get(n)!) / idleS).toFixed(1)} ms/s;` +
        ` ovn-controller ${((b.controller - a.controller) / PODS).toFixed(1)} ms/pod;` +
        ` br-int flows ${a.flows} -> ${b.flows}`,
    );
    const count = (args: string[]) =>
      spawnSync('ip', ['-n', layout.nodeNetns(n), ...args], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean).length;
    console.log(
      `  node namespace after: ${count(['link']) / 2} links, ${count(['-4', 'route', 'show', 'table', 'all'])} IPv4 + ` +
        `${count(['-6', 'route', 'show', 'table', 'all'])} IPv6 routes (all tables), ` +
        `${count(['-o', 'addr'])} addresses`,
    );
    const dpFlows = run('ovs-appctl', ['-t', vswitchdCtl(n), 'dpctl/dump-flows'], n).stdout.split('\n');
    const kinds = new Map<string, number>();
    for (const f of dpFlows.filter(Boolean)) {
      const kind = /eth_type\((0x[0-9a-f]+)\)/.exec(f)?.[1] ?? 'other';
      const proto = /proto=(\d+)/.exec(f)?.[1];
      const key = proto ? `${kind}/proto ${proto}` : kind;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    console.log(
      `  datapath flows after, by ethertype/proto: ${[...kinds].map(([k, v]) => `${k}: ${v}`).join(', ')}`,
    );
    const upcall = run('ovs-appctl', ['-t', vswitchdCtl(n), 'upcall/show'], n).stdout;
    console.log(`  upcall/show after: ${upcall.replace(/\s+/g, ' ').trim()}`);
    const picked = [...b.cov].filter(([k]) =>
      /^(rev_|bridge_reconfigure|upcall_|dpif_flow_|ofproto_flush)/.test(k),
    );
    console.log(`  ${picked.map(([k, v]) => `${k} +${v - (a.cov.get(k) ?? 0)}`).join(', ')}`);
    console.log('  ovs-vswitchd coverage, largest growth');
    console.log(topDeltas(a.cov, b.cov, Number(flags.top)).join('\n'));
    console.log('  ovn-controller coverage, largest growth');
    console.log(topDeltas(a.ovnCov, b.ovnCov, 12).join('\n'));
  }
  for (const p of perf) {
    await p.exited;
    const rep = spawnSync(
      'perf',
      ['report', '-i', p.file, '--no-children', '--stdio', '--sort', 'comm,dso,sym', '--percent-limit', '1'],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    console.log(`\nperf ${p.node} (self, >=1%)`);
    console.log(
      rep.stdout
        .split('\n')
        .filter((l) => /^\s+\d+\.\d+%/.test(l))
        .slice(0, 40)
        .join('\n'),
    );
  }
} finally {
  for (const t of tracers) if (t.exitCode === null && t.signalCode === null) t.kill('SIGINT');
  const down = kovn('down');
  if (down.status !== 0) console.error(`kovn down failed:\n${down.stdout}${down.stderr}`);
}
