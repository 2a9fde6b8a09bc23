// Two `kovn controller` processes against the embedded API server and a real OVN NB: exactly one holds the Lease and
// acts (programs the seed VPCs, gives the Node its join address and port, writes statuses through the API); killed
// with SIGKILL, the other takes over and carries on. Everything goes through the kubeconfig, as with a real cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { kindCollectionPath, objectPath } from '../../../src/kube/resources.ts';
import { embeddedApiServer, eventually } from '../../support/embedded-apiserver.ts';
import { byName, seed, startOvn } from './reconcile-harness.ts';
import { OvsdbClient } from '../../../src/ovsdb/index.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';

const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

interface Controller {
  identity: string;
  child: ChildProcess;
  lines: Record<string, unknown>[];
}

function startControllerProcess(identity: string, kubeconfig: string, nb: string): Controller {
  const child = spawn(
    process.execPath,
    [
      main,
      'controller',
      `--kubeconfig=${kubeconfig}`,
      `--ovn-nb-addr=${nb}`,
      `--identity=${identity}`,
      '--lease-duration=4',
      '--renew-deadline=3',
      '--retry-period=1',
      '--log-level=info',
      '--metrics-addr=127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const c: Controller = { identity, child, lines: [] };
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        c.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        c.lines.push({ msg: line });
      }
    }
  });
  return c;
}

const led = (c: Controller): boolean => c.lines.some((l) => l['msg'] === 'leading: starting the controller');

async function stopProcess(c: Controller): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((resolve) => c.child.once('exit', resolve));
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function create(kc: KubeConfig, obj: KubeObject): Promise<void> {
  await kubeRequest(kc, {
    method: 'POST',
    path: kindCollectionPath(obj.kind, obj.metadata.namespace),
    body: obj,
  });
}

async function read(kc: KubeConfig, kind: string, name: string, namespace?: string): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, { method: 'GET', path: objectPath(kind, name, namespace) });
}

void test(
  'two controller processes: one leads and acts, the other takes over',
  { timeout: 180_000 },
  async (t) => {
    const lab = await embeddedApiServer(t);
    const ovn = await startOvn();
    const controllers: Controller[] = [];
    const nb = await OvsdbClient.connect<OvnNbTables>({ remotes: [ovn.nbUnix], database: 'OVN_Northbound' });
    await nb.monitor({ Logical_Switch_Port: {}, Logical_Router: {} });
    t.after(async () => {
      for (const c of controllers) await stopProcess(c);
      nb.close();
      await ovn.cleanup();
    });
    const kc = lab.kubeConfig;
    const kubeconfig = lab.server.kubeconfigPath;
    for (const obj of seed()) {
      if (obj.kind === 'Namespace' && obj.metadata.name === 'default') continue;
      await create(kc, obj.kind === 'Pod' ? obj : { ...obj });
    }
    await create(kc, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kube-ovn-worker' } });

    controllers.push(startControllerProcess('alpha', kubeconfig, ovn.nbUnix));
    controllers.push(startControllerProcess('beta', kubeconfig, ovn.nbUnix));

    const routed = async (name: string, namespace: string) =>
      (await read(kc, 'Pod', name, namespace)).metadata.annotations?.['ovn.kubernetes.io/routed'] === 'true';
    await eventually(() => routed('vpc1-pod', 'ns1'), 'vpc1-pod routed', 60_000);
    await eventually(() => routed('vpc2-pod', 'ns2'), 'vpc2-pod routed', 30_000);
    assert.equal(controllers.filter(led).length, 1, 'exactly one controller started leading');
    const leader = controllers.find(led)!;
    const follower = controllers.find((c) => c !== leader)!;
    const lease = await kubeRequest<{ spec?: { holderIdentity?: string } }>(kc, {
      method: 'GET',
      path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-ovn-controller',
    });
    assert.equal(lease.spec?.holderIdentity, leader.identity);

    // The Node got its join address and port; statuses reached the API server.
    await eventually(
      async () =>
        (await read(kc, 'Node', 'kube-ovn-worker')).metadata.annotations?.['ovn.kubernetes.io/allocated'] ===
        'true',
      'node annotated',
      30_000,
    );
    const node = await read(kc, 'Node', 'kube-ovn-worker');
    const a = node.metadata.annotations ?? {};
    assert.equal(a['ovn.kubernetes.io/logical_switch'], 'join');
    assert.equal(a['ovn.kubernetes.io/port_name'], 'node-kube-ovn-worker');
    assert.equal(a['ovn.kubernetes.io/cidr'], '100.64.0.0/16');
    assert.equal(a['ovn.kubernetes.io/gateway'], '100.64.0.1');
    assert.match(a['ovn.kubernetes.io/ip_address'] ?? '', /^100\.64\.0\.\d+$/);
    await eventually(
      () => byName(nb, 'Logical_Switch_Port', 'node-kube-ovn-worker') !== undefined,
      'node port',
      10_000,
    );
    const port = byName(nb, 'Logical_Switch_Port', 'node-kube-ovn-worker')!;
    assert.deepEqual(port.addresses, [
      `${a['ovn.kubernetes.io/mac_address']} ${a['ovn.kubernetes.io/ip_address']}`,
    ]);
    assert.ok(byName(nb, 'Logical_Router', 'test-vpc-1'));
    await eventually(
      async () => {
        const net1 = await read(kc, 'Subnet', 'net1');
        const status = net1['status'] as {
          v4usingIPs?: number;
          conditions?: { type: string; status: string }[];
        };
        return (
          status.v4usingIPs === 1 && status.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
        );
      },
      'net1 status written through the API',
      20_000,
    );
    assert.equal(led(follower), false, 'the follower never acted');

    // The leader dies without releasing the lease: the follower takes over after it expires and does the work.
    leader.child.kill('SIGKILL');
    await eventually(() => led(follower), 'the follower to lead', 30_000);
    await create(kc, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'late-pod', namespace: 'ns1' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    await eventually(() => routed('late-pod', 'ns1'), 'the new leader to program late-pod', 30_000);
    const late = await read(kc, 'Pod', 'late-pod', 'ns1');
    const vpc1 = await read(kc, 'Pod', 'vpc1-pod', 'ns1');
    assert.notEqual(
      late.metadata.annotations?.['ovn.kubernetes.io/ip_address'],
      vpc1.metadata.annotations?.['ovn.kubernetes.io/ip_address'],
      'the new leader rebuilt IPAM from the API: no address handed out twice',
    );
    // The node keeps its address across the leader change.
    const after = await read(kc, 'Node', 'kube-ovn-worker');
    assert.equal(
      after.metadata.annotations?.['ovn.kubernetes.io/ip_address'],
      a['ovn.kubernetes.io/ip_address'],
    );
  },
);
