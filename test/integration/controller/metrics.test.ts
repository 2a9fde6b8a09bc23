// The controller process's /metrics against the embedded API server and a real OVN NB: after the seed is programmed,
// a scrape over HTTP declares kovn_ families, Subnet reconciles and NB transactions were counted, the instance leads,
// and the subnet address gauges say what the Subnet's status says. Nothing listens once the process is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { kindCollectionPath, objectPath } from '../../../src/kube/resources.ts';
import { embeddedApiServer, eventually } from '../../support/embedded-apiserver.ts';
import { sampleValue, scrape, typedFamilies } from '../../support/metrics-text.ts';
import { seed, startOvn } from './reconcile-harness.ts';

const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

void test(
  'the controller process serves kovn_ metrics that move with its work',
  { timeout: 120_000 },
  async (t) => {
    const lab = await embeddedApiServer(t);
    const ovn = await startOvn();
    const kc = lab.kubeConfig;
    const urlFile = join(lab.server.kubeconfigPath, '..', 'controller-metrics.url');
    for (const obj of seed()) {
      if (obj.kind === 'Namespace' && obj.metadata.name === 'default') continue;
      await kubeRequest(kc, {
        method: 'POST',
        path: kindCollectionPath(obj.kind, obj.metadata.namespace),
        body: obj,
      });
    }
    const child = spawn(
      process.execPath,
      [
        main,
        'controller',
        `--kubeconfig=${lab.server.kubeconfigPath}`,
        `--ovn-nb-addr=${ovn.nbUnix}`,
        '--lease-duration=4',
        '--renew-deadline=3',
        '--retry-period=1',
        '--log-level=warn',
        '--metrics-addr=127.0.0.1:0',
        `--metrics-url-file=${urlFile}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    t.after(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await ovn.cleanup();
    });

    const subnetStatus = async () =>
      (await kubeRequest<KubeObject>(kc, { method: 'GET', path: objectPath('Subnet', 'net1') }))['status'] as
        { v4availableIPs?: number; v4usingIPs?: number } | undefined;
    await eventually(
      async () => (await subnetStatus())?.v4usingIPs === 1,
      'net1 status: one address in use',
      60_000,
    );
    const url = readFileSync(urlFile, 'utf8').trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const net1 = '{subnet="net1",protocol="IPv4",cidr="10.0.1.0/24"}';
    let text = '';
    // The gauges are read at scrape time; a reconcile is counted once it returns, after the status it wrote.
    await eventually(
      async () => {
        text = await scrape(url);
        return sampleValue(text, `kovn_subnet_used_ip_count${net1}`) === 1;
      },
      'the used-address gauge of net1',
      20_000,
    );
    const families = typedFamilies(text);
    for (const name of [
      'kovn_reconcile_total',
      'kovn_reconcile_duration_seconds',
      'kovn_workqueue_depth',
      'kovn_workqueue_queue_duration_seconds',
      'kovn_ovsdb_transaction_duration_seconds',
      'kovn_leader_election_status',
      'kovn_subnet_available_ip_count',
      'kovn_subnet_used_ip_count',
    ])
      assert.ok(families.includes(name), `# TYPE ${name} in the scrape`);
    assert.ok(
      families.every((f) => f.startsWith('kovn_')),
      'only kovn_ families',
    );
    assert.ok(
      (sampleValue(text, 'kovn_ovsdb_transaction_duration_seconds_count{database="OVN_Northbound"}') ?? 0) >
        0,
    );
    assert.equal(sampleValue(text, 'kovn_leader_election_status{lease="kube-ovn-controller"}'), 1);
    const status = await subnetStatus();
    assert.equal(sampleValue(text, `kovn_subnet_available_ip_count${net1}`), status?.v4availableIPs);

    child.kill('SIGTERM');
    await exited;
    await assert.rejects(fetch(url), 'nothing listens after the controller stopped');
  },
);
