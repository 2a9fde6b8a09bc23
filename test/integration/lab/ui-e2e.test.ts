// The topology page in a real browser (Debian's Chromium, driven by playwright-core) against the lab with the seed's
// scenario: `kovn status` prints the page's URL; the page shows both VPCs, their two 10.0.1.0/24 subnets, the pods
// and their addresses; a pod created afterwards appears without a reload; clicking two pods (or a pod and a typed
// address) traces between them and draws the path on the graph with the router's decision; `chromium --dump-dom`
// (scripts run) holds the same names and addresses. A screenshot is saved to test-output/ui/seed.png.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LabLayout } from '../../../src/lab/layout.ts';
import type { TraceResult } from '../../../src/ui/topology-types.ts';
import {
  createObject,
  labDown,
  labHome,
  labUp,
  poller,
  ROOT,
  runKovn,
  runningPodIp,
  skipUnlessRoot,
} from '../../support/lab-e2e.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = skipUnlessRoot || (existsSync(CHROMIUM) ? false : `needs ${CHROMIUM} (Debian's chromium)`);
/** Chromium as root on a machine with no outside network: no sandbox, no background connections. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OUTPUT = join(ROOT, 'test-output/ui');

let home = '';
let layout: LabLayout;
let kc: KubeConfig;
let url = '';
let browser: Browser;
let page: Page;
const eventually = poller({ ms: 90_000, every: 250 });

/** Runs a trace through the page's own hook (what a click on two pods does) and waits for it to be drawn. */
const trace = (source: string, dest: string) =>
  page.evaluate(([s, d]) => (globalThis as unknown as Hooks).kovnUi.trace(s, d), [source, dest] as const);
/** The page's document as far as the test reads it (this file is not compiled with the DOM library). */
type PageGlobals = { document: { body: { dataset: Record<string, string | undefined> } } };
interface Hooks {
  kovnUi: { trace(source: string, dest: string): Promise<TraceResult> };
}

const inventoryText = (id: string) =>
  page.locator(`#inventory [data-id="${id}"]`).first().innerText({ timeout: 30_000 });

void describe('the topology page in Chromium', { skip, timeout: 600_000 }, () => {
  before(async () => {
    ({ home, layout } = labHome('kovn-ui-', 'u'));
    kc = labUp(home, layout);
    const applied = runKovn(home, ['apply', '-f', join(ROOT, 'examples/seed')]);
    assert.equal(applied.code, 0, applied.out);
    await runningPodIp(kc, eventually, 'ns1', 'vpc1-pod');
    await runningPodIp(kc, eventually, 'ns2', 'vpc2-pod');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    labDown(home, layout);
  });

  it('kovn status prints the page URL; the page shows both VPCs, both 10.0.1.0/24 subnets, the pods and IPs', async () => {
    const status = runKovn(home, ['status']);
    url = /^topology page: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(status.out)?.[1] ?? '';
    assert.ok(url, `a topology page line in:\n${status.out}`);
    await page.goto(url);
    for (const vpc of ['test-vpc-1', 'test-vpc-2'])
      assert.match(await inventoryText(`vpc/${vpc}`), new RegExp(vpc));
    for (const subnet of ['net1', 'net2'])
      assert.match(await inventoryText(`subnet/${subnet}`), /10\.0\.1\.0\/24/);
    assert.match(await inventoryText('pod/ns1/vpc1-pod'), /vpc1-pod[\s\S]*10\.0\.1\.\d+/);
    assert.match(await inventoryText('pod/ns2/vpc2-pod'), /vpc2-pod[\s\S]*10\.0\.1\.\d+/);
    const drawn = await page.evaluate<string[]>('kovnUi.cy.nodes().map((n) => n.id())');
    for (const id of [
      'router/test-vpc-1',
      'router/test-vpc-2',
      'subnet/net1',
      'subnet/net2',
      'pod/ns1/vpc1-pod',
    ])
      assert.ok(drawn.includes(id), `${id} drawn (graph holds ${drawn.length} nodes)`);
  });

  it('a pod created afterwards appears without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { beforeLivePod: boolean }).beforeLivePod = true));
    await createObject(kc, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'late-pod', namespace: 'ns1' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    const ip = await runningPodIp(kc, eventually, 'ns1', 'late-pod');
    await page.waitForSelector('#inventory [data-id="pod/ns1/late-pod"]', { timeout: 30_000 });
    assert.match(await inventoryText('pod/ns1/late-pod'), new RegExp(ip.replaceAll('.', '\\.')));
    const sameDocument = await page.evaluate(
      () => (globalThis as unknown as { beforeLivePod?: boolean }).beforeLivePod,
    );
    assert.equal(sameDocument, true, 'the page was not reloaded');
  });

  it('clicking two pods traces between them and draws the path; a pod and an address too', async () => {
    const settled = () =>
      page.waitForFunction(
        () => {
          const state = (globalThis as unknown as PageGlobals).document.body.dataset['traceState'];
          return state === 'done' || state === 'error';
        },
        null,
        { timeout: 60_000 },
      );
    // A real click on each pod (the inventory's items; the graph's nodes do the same).
    await page.locator('#inventory [data-id="pod/ns1/vpc1-pod"]').click();
    await page.locator('#inventory [data-id="pod/ns1/late-pod"]').click();
    await settled();
    assert.equal(await page.evaluate<string>('document.body.dataset.traceState'), 'done');
    const traced = await page.evaluate<string[]>("kovnUi.cy.$('.traced').map((e) => e.id())");
    for (const id of ['pod/ns1/vpc1-pod', 'subnet/net1', 'pod/ns1/late-pod'])
      assert.ok(traced.includes(id), `${id} marked as traced (${traced.join(', ')})`);
    assert.match(await page.locator('#trace').innerText(), /delivered to late-pod\.ns1/);
    // The same through the page's hook, which returns what it drew.
    const result = await trace('ns1/vpc1-pod', 'ns1/late-pod');
    assert.deepEqual(result.hops, ['pod/ns1/vpc1-pod', 'subnet/net1', 'pod/ns1/late-pod']);
    assert.equal(result.verdict.kind, 'delivered');
    // A pod and a typed address: across the router, whose decision is shown.
    await page.locator('#inventory [data-id="pod/ns1/vpc1-pod"]').click();
    await page.locator('#trace-dest').fill('10.0.1.1');
    await page.evaluate("document.body.dataset.traceState = ''");
    await page.locator('#trace-run').click();
    await settled();
    assert.match(await page.locator('#trace').innerText(), /router test-vpc-1/);
    const routed = await page.evaluate<string[]>("kovnUi.cy.$('.traced').map((e) => e.id())");
    assert.ok(routed.includes('router/test-vpc-1'), routed.join(' '));
    mkdirSync(OUTPUT, { recursive: true });
    await trace('ns1/vpc1-pod', 'ns1/late-pod');
    await page.screenshot({ path: join(OUTPUT, 'seed.png') });
    assert.ok(existsSync(join(OUTPUT, 'seed.png')));
  });

  it('chromium --dump-dom, after the scripts ran, holds the VPC, subnet and pod names and addresses', () => {
    const dump = spawnSync(
      CHROMIUM,
      ['--headless', ...CHROMIUM_ARGS, '--virtual-time-budget=10000', '--dump-dom', url],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(dump.status, 0, dump.stderr);
    for (const text of ['test-vpc-1', 'test-vpc-2', 'net1', 'net2', 'vpc1-pod', 'vpc2-pod', '10.0.1.0/24'])
      assert.ok(dump.stdout.includes(text), `${text} in the DOM`);
    assert.match(dump.stdout, /10\.0\.1\.\d+(?!\/)/);
  });
});
