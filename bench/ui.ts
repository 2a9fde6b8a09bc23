/**
 * Benchmark of the topology page (run: npm run bench:ui): how long Debian's Chromium takes to draw the page (build
 * the graph, run the fcose layout, fill the side panel) for the seed's size and for 50 VPCs with 1,000 pods, served
 * by the real UI server over kovn's embedded API server (no dataplane: the pods are API objects with Kube-OVN's
 * address annotations). Prints, per size: time from navigation to the first drawn topology, the page's own render
 * time (`kovnUi.lastRenderMs`), and the render time of a live update (one pod added), with the ratio to the seed
 * size measured in the same run. Figures only; no assertions. Env: BENCH_VPCS (50), BENCH_PODS (1000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { chromium, type Page } from 'playwright-core';
import { pino } from 'pino';
import type { KubeObject } from '../src/api/types.ts';
import { startApiServer } from '../src/apiserver/server.ts';
import { kubeRequest } from '../src/kube/request.ts';
import { kindCollectionPath } from '../src/kube/resources.ts';
import { ClusterWatch } from '../src/ui/cluster-watch.ts';
import { serveUi } from '../src/ui/server.ts';
import { systemClock } from '../src/util/clock.ts';

const VPCS = Number(process.env.BENCH_VPCS ?? 50);
const PODS = Number(process.env.BENCH_PODS ?? 1000);
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
];

const kv = (kind: string, name: string, spec: object, namespace?: string): KubeObject => ({
  apiVersion: kind === 'Pod' || kind === 'Namespace' ? 'v1' : 'kubeovn.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec,
});

async function populate(kc: KubeConfig, vpcs: number, pods: number): Promise<void> {
  const create = (obj: KubeObject) =>
    kubeRequest(kc, {
      method: 'POST',
      path: kindCollectionPath(obj.kind, obj.metadata.namespace),
      body: obj,
    });
  for (let v = 0; v < vpcs; v++) {
    await create(kv('Namespace', `ns${v}`, {}));
    await create(kv('Vpc', `vpc-${v}`, { namespaces: [`ns${v}`] }));
    await create(kv('Subnet', `net-${v}`, { vpc: `vpc-${v}`, cidrBlock: '10.0.0.0/16', protocol: 'IPv4' }));
  }
  const queue = Array.from({ length: pods }, (_, i) => i);
  const worker = async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      const v = i % vpcs;
      const pod = kv(
        'Pod',
        `pod-${i}`,
        { containers: [{ name: 'c', image: 'x' }], nodeName: `node-${i % 2}` },
        `ns${v}`,
      );
      pod.metadata.annotations = {
        'ovn.kubernetes.io/logical_switch': `net-${v}`,
        'ovn.kubernetes.io/ip_address': `10.0.${Math.floor(i / 250)}.${(i % 250) + 2}`,
      };
      await create(pod);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

type Hooks = { kovnUi?: { lastRenderMs: number; renders: number } };
const renders = (page: Page) => page.evaluate(() => (globalThis as unknown as Hooks).kovnUi?.renders ?? 0);

async function measure(vpcs: number, pods: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kovn-bench-ui-'));
  const server = await startApiServer({ dataDir });
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  await populate(kc, vpcs, pods);
  const log = pino({ level: 'silent' });
  const watch = new ClusterWatch({ kubeConfig: kc, nbRemotes: [], trace: false, clock: systemClock, log });
  const ui = await serveUi({ host: '127.0.0.1', port: 0, watch, tracer: undefined, clock: systemClock, log });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const t0 = performance.now();
    await page.goto(ui.url);
    await page.waitForFunction(() => ((globalThis as unknown as Hooks).kovnUi?.renders ?? 0) > 0, null, {
      timeout: 120_000,
    });
    const firstMs = performance.now() - t0;
    const firstRenderMs = await page.evaluate(() => (globalThis as unknown as Hooks).kovnUi!.lastRenderMs);
    const before = await renders(page);
    const pod = kv('Pod', 'late', { containers: [{ name: 'c', image: 'x' }], nodeName: 'node-0' }, 'ns0');
    pod.metadata.annotations = {
      'ovn.kubernetes.io/logical_switch': 'net-0',
      'ovn.kubernetes.io/ip_address': '10.0.255.9',
    };
    const t1 = performance.now();
    await kubeRequest(kc, { method: 'POST', path: kindCollectionPath('Pod', 'ns0'), body: pod });
    await page.waitForFunction((n) => ((globalThis as unknown as Hooks).kovnUi?.renders ?? 0) > n, before, {
      timeout: 120_000,
    });
    const updateMs = performance.now() - t1;
    const updateRenderMs = await page.evaluate(() => (globalThis as unknown as Hooks).kovnUi!.lastRenderMs);
    return { firstMs, firstRenderMs, updateMs, updateRenderMs };
  } finally {
    await browser.close();
    await ui.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const base = await measure(2, 2);
const big = await measure(VPCS, PODS);
const row = (name: string, m: typeof base) =>
  `${name.padEnd(22)} ${m.firstMs.toFixed(0).padStart(8)} ${m.firstRenderMs.toFixed(0).padStart(10)} ${m.updateMs.toFixed(0).padStart(10)} ${m.updateRenderMs.toFixed(0).padStart(10)}`;
console.log(
  `${'size'.padEnd(22)} ${'first ms'.padStart(8)} ${'render ms'.padStart(10)} ${'update ms'.padStart(10)} ${'upd render'.padStart(10)}`,
);
console.log(row('2 VPCs, 2 pods', base));
console.log(row(`${VPCS} VPCs, ${PODS} pods`, big));
console.log(
  `ratio: first ${(big.firstMs / base.firstMs).toFixed(1)}x, render ${(big.firstRenderMs / Math.max(1, base.firstRenderMs)).toFixed(1)}x, update ${(big.updateMs / base.updateMs).toFixed(1)}x`,
);
