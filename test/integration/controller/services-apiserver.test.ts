// The Service, SwitchLBRule and VpcDns reconcilers in a `kovn controller` process against the embedded API server and
// a real OVN NB, as in a real cluster (Endpoints written by hand, as kube-controller-manager would): the same VIP in two
// VPCs becomes two load balancers, each on its own VPC's switches only; a rule's headless Service and status; a VpcDns
// that cannot be deployed says why in its status and an Event; a restarted controller writes nothing; deleting a rule
// takes its Service and load balancer and leaves the other VPC's alone; deleting vpc-dns-config deletes every VpcDns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';
import { OvsdbClient } from '../../../src/ovsdb/index.ts';
import { embeddedApiServer } from '../../support/embedded-apiserver.ts';
import { startOvn } from './reconcile-harness.ts';
import {
  CLI,
  createObject as create,
  getObject as read,
  listObjects as list,
  poller,
} from '../../support/lab-e2e.ts';

const poll = poller({ ms: 0, every: 200 });
/** Polls `fn` until it returns something other than undefined or false; that value. */
const eventually = <T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms: number,
): Promise<T> => poll(what, fn, ms);

function startController(kubeconfig: string, nb: string): { child: ChildProcess; lines: string[] } {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'controller',
      `--kubeconfig=${kubeconfig}`,
      `--ovn-nb-addr=${nb}`,
      '--lease-duration=4',
      '--renew-deadline=3',
      '--retry-period=1',
      '--metrics-addr=127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => lines.push(...chunk.split('\n')));
  return { child, lines };
}

async function stop(c: { child: ChildProcess }): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((resolve) => c.child.once('exit', resolve));
  c.child.kill('SIGTERM');
  await exited;
}

type Lb = OvnNbTables['Load_Balancer'];
const lbs = (nb: OvsdbClient<OvnNbTables>): Lb[] => nb.cache.table('Load_Balancer').rows();
function switchesOf(nb: OvsdbClient<OvnNbTables>, lb: Lb): string[] {
  return nb.cache
    .table('Logical_Switch')
    .rows()
    .filter((ls) => ls.load_balancer.includes((lb as unknown as { _uuid: string })._uuid))
    .map((ls) => ls.name)
    .sort();
}
/** What NB holds of load balancers, as text, to compare before and after a restart. */
const snapshot = (nb: OvsdbClient<OvnNbTables>): string =>
  JSON.stringify(
    lbs(nb)
      .map((lb) => [(lb as unknown as { _uuid: string })._uuid, lb.name, lb.vips, switchesOf(nb, lb)])
      .sort(),
  );

void test(
  'services in VPCs through a controller process and the API server',
  { timeout: 240_000 },
  async (t) => {
    const lab = await embeddedApiServer(t);
    const ovn = await startOvn();
    const nb = await OvsdbClient.connect<OvnNbTables>({ remotes: [ovn.nbUnix], database: 'OVN_Northbound' });
    await nb.monitor({ Load_Balancer: {}, Logical_Switch: {} });
    let controller = startController(lab.server.kubeconfigPath, ovn.nbUnix);
    t.after(async () => {
      await stop(controller);
      nb.close();
      await ovn.cleanup();
    });
    const kc = lab.kubeConfig;
    for (const [vpc, ns] of [
      ['va', 'na'],
      ['vb', 'nb'],
    ] as const) {
      await create(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await create(kc, {
        apiVersion: 'kubeovn.io/v1',
        kind: 'Vpc',
        metadata: { name: vpc },
        spec: { namespaces: [ns] },
      });
      await create(kc, {
        apiVersion: 'kubeovn.io/v1',
        kind: 'Subnet',
        metadata: { name: `${vpc}-net` },
        spec: { vpc, cidrBlock: '10.0.1.0/24', protocol: 'IPv4', namespaces: [ns] },
      });
      await create(kc, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'dns', namespace: ns, labels: { app: 'dns' } },
        spec: { containers: [{ name: 'c', image: 'coredns' }] },
      });
      await create(kc, {
        apiVersion: 'kubeovn.io/v1',
        kind: 'SwitchLBRule',
        metadata: { name: `dns-${vpc}` },
        spec: {
          vip: '10.96.0.3',
          namespace: ns,
          selector: ['app:dns'],
          ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
        },
      });
    }
    // the rule's headless Service and status
    const svcA = await eventually(() => read(kc, 'Service', 'slr-dns-va', 'na'), 'slr-dns-va', 60_000);
    assert.equal(svcA.metadata.annotations?.['ovn.kubernetes.io/switch_lb_vip'], '10.96.0.3');
    assert.equal((svcA['spec'] as { clusterIP: string }).clusterIP, 'None');
    await eventually(
      async () =>
        ((await read(kc, 'SwitchLBRule', 'dns-va'))?.['status'] as { service?: string } | undefined)
          ?.service === 'na/slr-dns-va',
      'rule status',
      30_000,
    );
    const slr = (await read(kc, 'SwitchLBRule', 'dns-va'))!;
    assert.deepEqual(slr['status'], { ports: '53/UDP', service: 'na/slr-dns-va' });

    // Endpoints as kube-controller-manager writes them, once the controller gave the pods their addresses
    for (const [vpc, ns] of [
      ['va', 'na'],
      ['vb', 'nb'],
    ] as const) {
      const ip = await eventually(
        async () =>
          (await read(kc, 'Pod', 'dns', ns))?.metadata.annotations?.['ovn.kubernetes.io/ip_address'],
        `${ns}/dns address`,
        30_000,
      );
      await create(kc, {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: `slr-dns-${vpc}`, namespace: ns },
        subsets: [
          {
            addresses: [{ ip, targetRef: { kind: 'Pod', name: 'dns', namespace: ns } }],
            ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
          },
        ],
      });
    }
    await eventually(
      () => lbs(nb).filter((lb) => switchesOf(nb, lb).length).length === 2 || undefined,
      'two linked load balancers',
      30_000,
    );
    const byName = (name: string) => lbs(nb).find((lb) => lb.name === name)!;
    const a = byName('kovn-svc_na/slr-dns-va_va_udp');
    const b = byName('kovn-svc_nb/slr-dns-vb_vb_udp');
    assert.equal(a.protocol, 'udp');
    assert.deepEqual(Object.keys(a.vips), ['10.96.0.3:53']);
    assert.deepEqual(Object.keys(b.vips), ['10.96.0.3:53'], 'the same VIP in the other VPC');
    assert.deepEqual(switchesOf(nb, a), ['va-net'], "only va's switches");
    assert.deepEqual(switchesOf(nb, b), ['vb-net'], "only vb's switches");
    assert.equal(a.external_ids['kovn-owner'], 'service/na/slr-dns-va');

    // a VpcDns that cannot be deployed: inactive, with the reason in its status and an Event
    await create(kc, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'vpc-dns-config', namespace: 'kube-system' },
      data: { 'coredns-vip': '10.96.0.3' },
    });
    await create(kc, {
      apiVersion: 'kubeovn.io/v1',
      kind: 'VpcDns',
      metadata: { name: 'lost' },
      spec: { vpc: 'va', subnet: 'missing' },
    });
    const lost = await eventually(
      async () => {
        const d = await read(kc, 'VpcDns', 'lost');
        return (d?.['status'] as { active?: boolean } | undefined)?.active === false ? d : undefined;
      },
      'lost inactive',
      30_000,
    );
    const ready = (
      lost['status'] as { conditions: { type: string; reason: string; message: string }[] }
    ).conditions.find((c) => c.type === 'Ready')!;
    assert.deepEqual(
      [ready.reason, ready.message],
      ['SubnetNotFound', 'VpcDns lost spec.subnet: subnet missing not found'],
    );
    const events = await eventually(
      async () => {
        const found = (await list(kc, 'Event', 'default')).filter(
          (e) => (e as { reason?: string }).reason === 'SubnetNotFound',
        );
        return found.length ? found : undefined; // the Event may follow the status write
      },
      'a Warning event',
      10_000,
    );
    assert.equal((events[0] as { type?: string }).type, 'Warning');

    // a rule whose namespace does not exist: a Warning Event on the rule saying which object and why
    await create(kc, {
      apiVersion: 'kubeovn.io/v1',
      kind: 'SwitchLBRule',
      metadata: { name: 'ghostly' },
      spec: { vip: '10.96.0.9', namespace: 'ghost', selector: ['app:x'], ports: [{ port: 80 }] },
    });
    const failed = await eventually(
      async () =>
        (await list(kc, 'Event', 'default')).find((e) => (e as { reason?: string }).reason === 'ApplyFailed'),
      'an ApplyFailed event',
      30_000,
    );
    assert.match(
      (failed as { message?: string }).message ?? '',
      /Service ghost\/slr-ghostly not written: .*404/,
    );
    await kubeRequest(kc, { method: 'DELETE', path: objectPath('SwitchLBRule', 'ghostly') });

    // a restarted controller finds everything converged and writes nothing
    await new Promise((r) => setTimeout(r, 2_000));
    const before = snapshot(nb);
    const versions = async () =>
      JSON.stringify(
        (await Promise.all(['SwitchLBRule', 'VpcDns', 'Service'].map((k) => list(kc, k))))
          .flat()
          .map((o) => [o.kind, o.metadata.name, o.metadata.resourceVersion]),
      );
    const apiBefore = await versions();
    await stop(controller);
    controller = startController(lab.server.kubeconfigPath, ovn.nbUnix);
    await eventually(
      () => controller.lines.some((l) => l.includes('caches synced')) || undefined,
      'the new controller to sync',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(snapshot(nb), before, 'no load balancer row or link changed');
    assert.equal(await versions(), apiBefore, 'no rule, VpcDns or Service written');

    // deleting one rule takes its Service and load balancer; the other VPC keeps its own
    await kubeRequest(kc, { method: 'DELETE', path: objectPath('SwitchLBRule', 'dns-va') });
    await eventually(
      async () => ((await read(kc, 'Service', 'slr-dns-va', 'na')) ? undefined : true),
      'service gone',
      30_000,
    );
    await eventually(
      () => (lbs(nb).some((lb) => lb.name === a.name) ? undefined : true),
      'va load balancer gone',
      30_000,
    );
    assert.deepEqual(switchesOf(nb, byName('kovn-svc_nb/slr-dns-vb_vb_udp')), ['vb-net']);

    // deleting vpc-dns-config deletes every VpcDns, as the reference does
    await kubeRequest(kc, {
      method: 'DELETE',
      path: objectPath('ConfigMap', 'vpc-dns-config', 'kube-system'),
    });
    await eventually(
      async () => ((await list(kc, 'VpcDns')).length === 0 ? true : undefined),
      'no VpcDns',
      30_000,
    );
  },
);
