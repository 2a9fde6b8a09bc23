// The lab's metrics, as a user finds them: `kovn status` prints one `metrics:` URL per controller and node agent (and
// the lab daemon's own), each answers a plain HTTP GET with `# TYPE kovn_` lines, the node agents counted a CNI ADD
// for every pod created, and after `kovn down` nothing listens on those ports.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  createObject,
  labDown,
  labHome,
  labUp,
  poller,
  runKovn,
  runningPodIp,
  skipUnlessRoot as skip,
} from '../../support/lab-e2e.ts';
import { sampleValue, scrape, typedFamilies } from '../../support/metrics-text.ts';

let home = '';
let layout: LabLayout;
let kc: KubeConfig;
let isDown = false;
const eventually = poller({ ms: 60_000, every: 250 });
const PODS = ['metrics-a', 'metrics-b', 'metrics-c'];

void describe('lab metrics endpoints', { skip, timeout: 600_000 }, () => {
  before(() => {
    ({ home, layout } = labHome('kovn-metrics-', 'm'));
    kc = labUp(home, layout);
  });
  after(() => {
    if (!isDown) labDown(home, layout);
  });

  it('kovn status lists every endpoint; each serves kovn_ metrics; ADDs are counted', async () => {
    for (const name of PODS)
      await createObject(kc, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
      });
    for (const name of PODS) await runningPodIp(kc, eventually, 'default', name);

    const status = runKovn(home, ['status']);
    assert.equal(status.code, 0, status.out);
    const endpoints = [
      ...status.out.matchAll(/^(\S.*?)\s+metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)$/gm),
    ].map((m) => ({ component: m[1]!.trim(), url: m[2]! }));
    const components = endpoints.map((e) => e.component);
    for (const c of ['controller', 'kube-ovn-control-plane/node-agent', 'kube-ovn-worker/node-agent'])
      assert.ok(components.includes(c), `${c} has a metrics line in:\n${status.out}`);

    let adds = 0;
    for (const { component, url } of endpoints) {
      const text = await scrape(url);
      assert.ok(
        typedFamilies(text).some((f) => f.startsWith('kovn_')),
        `${component}: # TYPE kovn_ lines`,
      );
      if (component.endsWith('/node-agent'))
        adds += sampleValue(text, 'kovn_cni_op_duration_seconds_count{op="add",result="success"}') ?? 0;
    }
    assert.ok(adds >= PODS.length, `${adds} CNI ADDs counted for ${PODS.length} pods`);

    labDown(home, layout);
    isDown = true;
    for (const { component, url } of endpoints)
      await assert.rejects(fetch(url), `${component}: nothing listens after kovn down`);
  });
});
