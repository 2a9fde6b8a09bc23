// Kubelet probes end to end, in real labs (issue #9): the lab kubelet probes from the node namespace, through the
// node agent's TProxy for custom-VPC pods and straight through ovn0 for the default network. Lab 1 (TProxy on, the
// lab's default): HTTP and TCP readiness make a custom-VPC pod Ready; a probe on a closed port never does and
// records the readiness failure; a failing liveness probe restarts the container stand-in; two pods of two VPCs
// with the same IP and probe port on one node are each probed correctly; a default-network pod is probed without
// the proxy; the node namespace holds the rules; exec probes run in the pod (`exit 3` is never Ready and has a
// `Readiness probe failed` event, `true` is Ready) and a gRPC health server declared with `kovn.io/grpc-health`
// passes its gRPC probe through the proxy while a port that is not one fails (issue #17), seen with real kubectl. Lab 2 (`kovn up --enable-tproxy=false`): no rule, route or
// listener; a custom-VPC pod is never Ready, a default-network pod still is. Both labs are removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { kindCollectionPath, objectPath } from '../../../src/kube/resources.ts';
import { labLayout, type LabLayout } from '../../../src/lab/layout.ts';
import { unixJson } from '../../../src/util/unix-json.ts';
import { kubectlRun } from '../../support/lab-e2e.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'src/cli/main.ts');
const WORKER = 'kube-ovn-worker';
const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, OVS, iptables)' : false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Lab {
  home: string;
  layout: LabLayout;
  kc: KubeConfig;
}

function kovn(home: string, ...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, KOVN_HOME: home },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function up(...flags: string[]): Lab {
  const home = mkdtempSync(join(tmpdir(), 'kovn-probes-'));
  const id = `p${randomBytes(4).toString('hex')}`;
  const r = kovn(home, 'up', '--id', id, ...flags);
  if (r.code !== 0) kovn(home, 'down'); // remove what a failed start left
  assert.equal(r.code, 0, r.out);
  const kc = new KubeConfig();
  const layout = labLayout(home, id);
  kc.loadFromFile(layout.kubeconfig);
  const seed = kovn(
    home,
    'apply',
    '-f',
    join(ROOT, 'examples/seed/00-namespaces.yaml'),
    '-f',
    join(ROOT, 'examples/seed/01-vpcs.yaml'),
    '-f',
    join(ROOT, 'examples/seed/02-subnets.yaml'),
  );
  assert.equal(seed.code, 0, seed.out);
  return { home, layout, kc };
}

function down(lab: Lab | undefined): void {
  if (!lab) return;
  const r = kovn(lab.home, 'down');
  assert.equal(r.code, 0, r.out);
  const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(left, new RegExp(`^${lab.layout.id}-`, 'm'), 'no namespace of the lab is left');
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

const get = (lab: Lab, ns: string, name: string) =>
  kubeRequest<KubeObject>(lab.kc, { method: 'GET', path: objectPath('Pod', name, ns) }).catch(
    () => undefined,
  );

interface PodStatus {
  phase?: string;
  podIP?: string;
  conditions?: { type: string; status: string }[];
  containerStatuses?: { name: string; ready: boolean; restartCount: number }[];
}
const statusOf = async (lab: Lab, ns: string, name: string): Promise<PodStatus> =>
  (await get(lab, ns, name))?.['status'] ?? {};
const isReady = (s: PodStatus): boolean =>
  s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function podEvents(lab: Lab, ns: string, name: string): Promise<{ reason: string; message: string }[]> {
  const list = await kubeRequest<{ items: KubeObject[] }>(lab.kc, {
    method: 'GET',
    path: kindCollectionPath('Event', ns),
  });
  return list.items
    .filter((e) => (e['involvedObject'] as { name?: string }).name === name)
    .map((e) => ({ reason: String(e['reason']), message: String(e['message']) }));
}

type Probe = Record<string, unknown>;
function pod(
  ns: string,
  name: string,
  o: { ports: number[]; readiness?: Probe; liveness?: Probe; ip?: string },
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      ...(o.ip ? { annotations: { 'ovn.kubernetes.io/ip_address': o.ip } } : {}),
    },
    spec: {
      nodeName: WORKER,
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: o.ports.map((p) => ({ name: `p${p}`, containerPort: p })),
          ...(o.readiness ? { readinessProbe: { periodSeconds: 2, ...o.readiness } } : {}),
          ...(o.liveness ? { livenessProbe: { periodSeconds: 2, ...o.liveness } } : {}),
        },
      ],
    },
  };
}
const create = (lab: Lab, obj: KubeObject) =>
  kubeRequest(lab.kc, { method: 'POST', path: kindCollectionPath('Pod', obj.metadata.namespace), body: obj });
const running = (lab: Lab, ns: string, name: string) =>
  eventually(`${ns}/${name} running`, async () => {
    const s = await statusOf(lab, ns, name);
    return s.phase === 'Running' && s.podIP ? s : undefined;
  });
const ready = (lab: Lab, ns: string, name: string) =>
  eventually(`${ns}/${name} Ready`, async () => {
    const s = await statusOf(lab, ns, name);
    return isReady(s) ? s : undefined;
  });
const carried = async (lab: Lab): Promise<Record<string, number>> => {
  const r = await unixJson(join(lab.layout.nodeDir(WORKER), 'tproxy.sock'), 'GET', '/stats');
  return (r.body as { carried: Record<string, number> }).carried;
};
const inNode = (lab: Lab, ...cmd: string[]) =>
  spawnSync('ip', ['netns', 'exec', lab.layout.nodeNetns(WORKER), ...cmd], {
    encoding: 'utf8',
    timeout: 20_000,
  }).stdout;

void describe('kubelet probes into custom VPCs (TProxy on)', { skip, timeout: 900_000 }, () => {
  let lab: Lab | undefined;
  before(() => {
    lab = up();
  });
  after(() => down(lab));

  it('HTTP and TCP readiness probes on custom-VPC pods make them Ready, through the proxy', async () => {
    const l = lab!;
    await create(
      l,
      pod('ns1', 'http-probed', { ports: [80], readiness: { httpGet: { path: '/healthz', port: 80 } } }),
    );
    await create(l, pod('ns1', 'tcp-probed', { ports: [8080], readiness: { tcpSocket: { port: 'p8080' } } }));
    await ready(l, 'ns1', 'http-probed');
    await ready(l, 'ns1', 'tcp-probed');
    const stats = await carried(l);
    assert.ok((stats['ns1/http-probed'] ?? 0) > 0, JSON.stringify(stats));
    assert.ok((stats['ns1/tcp-probed'] ?? 0) > 0, JSON.stringify(stats));
  });

  it('the node namespace holds the mangle rules, policy rules and table 10001 while enabled', async () => {
    const l = lab!;
    const ip = (await running(l, 'ns1', 'http-probed')).podIP ?? '';
    const mangle = inNode(l, 'iptables-save', '-t', 'mangle');
    assert.match(mangle, /-A OUTPUT -m comment --comment "kube-ovn output rules" -j OVN-OUTPUT/);
    assert.match(mangle, /-A PREROUTING -m comment --comment "kube-ovn prerouting rules" -j OVN-PREROUTING/);
    assert.ok(
      mangle.includes(
        `-A OVN-OUTPUT -d ${ip}/32 -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x90003/0x90003`,
      ),
      mangle,
    );
    assert.ok(
      mangle.includes(
        `-A OVN-PREROUTING -d ${ip}/32 -p tcp -m tcp --dport 80 -j TPROXY --on-port 8102 --on-ip 127.0.0.1 --tproxy-mark 0x90004/0x90004`,
      ),
      mangle,
    );
    const rules = inNode(l, 'ip', 'rule');
    assert.match(rules, /fwmark 0x90003\/0x90003 lookup 10001/);
    assert.match(rules, /fwmark 0x90004\/0x90004 lookup 10001/);
    assert.match(inNode(l, 'ip', 'route', 'show', 'table', '10001'), /local default dev lo/);
  });

  it('a probe on a closed port never makes the pod Ready and records the readiness failure', async () => {
    const l = lab!;
    await create(l, pod('ns1', 'closed-port', { ports: [80], readiness: { tcpSocket: { port: 9999 } } }));
    await running(l, 'ns1', 'closed-port');
    const events = await eventually('a readiness failure event', async () => {
      const e = await podEvents(l, 'ns1', 'closed-port');
      return e.some((x) => x.reason === 'Unhealthy' && x.message.endsWith('connection refused'))
        ? e
        : undefined;
    });
    assert.ok(
      events.some((e) =>
        /^Readiness probe failed: dial tcp 10\.0\.1\.\d+:9999: connect: connection refused$/.test(e.message),
      ),
      JSON.stringify(events),
    );
    for (let i = 0; i < 8; i++) {
      assert.equal(isReady(await statusOf(l, 'ns1', 'closed-port')), false, 'never Ready');
      await sleep(1_000);
    }
  });

  it('a failing liveness probe restarts the container stand-in and counts the restart', async () => {
    const l = lab!;
    await create(
      l,
      pod('ns1', 'live-fail', { ports: [80], liveness: { tcpSocket: { port: 81 }, failureThreshold: 1 } }),
    );
    const s = await eventually('a restart', async () => {
      const st = await statusOf(l, 'ns1', 'live-fail');
      return (st.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? st : undefined;
    });
    assert.equal(s.containerStatuses?.[0]?.name, 'web');
    const events = await podEvents(l, 'ns1', 'live-fail');
    assert.ok(
      events.some((e) => e.reason === 'Unhealthy' && e.message.startsWith('Liveness probe failed: ')),
      JSON.stringify(events),
    );
    assert.ok(
      events.some(
        (e) =>
          e.reason === 'Killing' && e.message === 'Container web failed liveness probe, will be restarted',
      ),
      JSON.stringify(events),
    );
  });

  it('two pods of two VPCs with the same IP and probe port on one node are each probed correctly', async () => {
    const l = lab!;
    const probe = { readiness: { httpGet: { path: '/', port: 80 } } };
    await create(l, pod('ns1', 'twin-up', { ports: [80], ip: '10.0.1.77', ...probe }));
    await create(l, pod('ns2', 'twin-down', { ports: [81], ip: '10.0.1.77', ...probe }));
    const up1 = await ready(l, 'ns1', 'twin-up');
    const down2 = await running(l, 'ns2', 'twin-down');
    assert.equal(up1.podIP, '10.0.1.77');
    assert.equal(down2.podIP, '10.0.1.77');
    await eventually('a readiness failure of ns2/twin-down', async () => {
      const e = await podEvents(l, 'ns2', 'twin-down');
      return e.some((x) => /^Readiness probe failed: .*10\.0\.1\.77:80.*connection refused/.test(x.message))
        ? e
        : undefined;
    });
    for (let i = 0; i < 6; i++) {
      assert.equal(
        isReady(await statusOf(l, 'ns2', 'twin-down')),
        false,
        'the pod without port 80 is never Ready',
      );
      assert.equal(isReady(await statusOf(l, 'ns1', 'twin-up')), true, 'the pod with port 80 stays Ready');
      await sleep(1_000);
    }
    const stats = await carried(l);
    assert.ok((stats['ns1/twin-up'] ?? 0) > 0, JSON.stringify(stats));
    assert.equal(stats['ns2/twin-down'], undefined, 'nothing was carried to the pod that refuses');
  });

  it('exec probes run in the pod and gRPC probes speak grpc.health.v1 (real kubectl)', async () => {
    const l = lab!;
    const kubectl = (...args: string[]) => kubectlRun(l.layout.kubeconfig, args, 180_000);
    const manifest = join(l.home, 'exec-grpc-pods.yaml');
    const podYaml = (name: string, probe: string, port?: number) =>
      [
        `apiVersion: v1`,
        `kind: Pod`,
        `metadata:`,
        `  name: ${name}`,
        `  namespace: ns1`,
        ...(name === 'grpc-ok' ? [`  annotations:`, `    kovn.io/grpc-health: "9000"`] : []),
        `spec:`,
        `  nodeName: ${WORKER}`,
        `  containers:`,
        `  - name: app`,
        `    image: app`,
        ...(port ? [`    ports:`, `    - containerPort: ${port}`] : []),
        `    readinessProbe:`,
        `      periodSeconds: 2`,
        // The passing probes get room on a loaded machine; the failing ones keep kubelet's default 1 s.
        ...(name.endsWith('-ok') ? [`      timeoutSeconds: 5`] : []),
        `      ${probe}`,
      ].join('\n');
    writeFileSync(
      manifest,
      [
        podYaml('exec-fail', 'exec: {command: [sh, -c, "exit 3"]}'),
        podYaml('exec-ok', 'exec: {command: ["true"]}'),
        podYaml('grpc-ok', 'grpc: {port: 9000}', 9000),
        podYaml('grpc-plain', 'grpc: {port: 9000}', 9000),
      ].join('\n---\n'),
    );
    const applied = kubectl('apply', '-f', manifest);
    assert.equal(applied.status, 0, applied.stderr);
    const waited = kubectl(
      'wait',
      '-n',
      'ns1',
      '--for=condition=Ready',
      'pod/exec-ok',
      'pod/grpc-ok',
      '--timeout=120s',
    );
    assert.equal(waited.status, 0, `${waited.stdout}${waited.stderr}`);
    const readyOf = (name: string) =>
      kubectl(
        'get',
        'pod',
        '-n',
        'ns1',
        name,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ).stdout;
    const failures = async (name: string) =>
      eventually(`a readiness failure of ns1/${name}`, () => {
        const r = kubectl(
          'get',
          'events',
          '-n',
          'ns1',
          '--field-selector',
          `involvedObject.name=${name}`,
          '-o',
          'json',
        );
        const items = (
          JSON.parse(r.stdout || '{"items":[]}') as { items: { reason: string; message: string }[] }
        ).items;
        const unhealthy = items.filter((e) => e.reason === 'Unhealthy');
        return Promise.resolve(unhealthy.length ? unhealthy.map((e) => e.message) : undefined);
      });
    const execFailures = await failures('exec-fail');
    assert.ok(
      execFailures.every((m) => m.startsWith('Readiness probe failed')),
      JSON.stringify(execFailures),
    );
    const plainFailures = await failures('grpc-plain');
    assert.ok(
      plainFailures.some((m) =>
        /^Readiness probe failed: timeout: failed to connect service "10\.0\.1\.\d+:9000" within 1s: context deadline exceeded$/.test(
          m,
        ),
      ),
      JSON.stringify(plainFailures),
    );
    for (let i = 0; i < 6; i++) {
      assert.equal(readyOf('exec-fail'), 'False', 'exit 3 never turns Ready');
      assert.equal(
        readyOf('grpc-plain'),
        'False',
        'a port that is not a gRPC health server never turns Ready',
      );
      await sleep(1_000);
    }
    const eventsOf = (name: string) =>
      kubectl('get', 'events', '-n', 'ns1', '--field-selector', `involvedObject.name=${name}`).stdout;
    assert.equal(readyOf('exec-ok'), 'True', eventsOf('exec-ok'));
    assert.equal(readyOf('grpc-ok'), 'True', eventsOf('grpc-ok'));
    assert.ok(((await carried(l))['ns1/grpc-ok'] ?? 0) > 0, 'the gRPC probe went through the proxy');
  });

  it('a pod in the default network is probed directly, without the proxy', async () => {
    const l = lab!;
    await create(
      l,
      pod('default', 'plain', { ports: [80], readiness: { httpGet: { path: '/', port: 80 } } }),
    );
    const s = await ready(l, 'default', 'plain');
    assert.match(s.podIP ?? '', /^10\.16\./);
    assert.ok(!inNode(l, 'iptables-save', '-t', 'mangle').includes(`${s.podIP}/32`), 'no TProxy rule for it');
    assert.equal((await carried(l))['default/plain'], undefined, 'the listener never carried it');
  });
});

void describe(
  'kubelet probes with TProxy off (kovn up --enable-tproxy=false)',
  { skip, timeout: 900_000 },
  () => {
    let lab: Lab | undefined;
    before(() => {
      lab = up('--enable-tproxy=false', '--nodes', WORKER);
    });
    after(() => down(lab));

    it('leaves no rule, route or listener; custom-VPC probes cannot pass; the default network is still probed', async () => {
      const l = lab!;
      await create(
        l,
        pod('ns1', 'vpc-probed', { ports: [80], readiness: { httpGet: { path: '/', port: 80 } } }),
      );
      await create(
        l,
        pod('default', 'plain', { ports: [80], readiness: { httpGet: { path: '/', port: 80 } } }),
      );
      await ready(l, 'default', 'plain');
      await running(l, 'ns1', 'vpc-probed');
      const mangle = inNode(l, 'iptables-save', '-t', 'mangle');
      assert.doesNotMatch(mangle, /OVN-|TPROXY|0x9000/);
      assert.doesNotMatch(inNode(l, 'ip', 'rule'), /lookup 1000[12]/);
      assert.equal(inNode(l, 'ip', 'route', 'show', 'table', '10001').trim(), '');
      assert.equal(existsSync(join(l.layout.nodeDir(WORKER), 'tproxy.sock')), false, 'no listener');
      const events = await eventually('a readiness failure of ns1/vpc-probed', async () => {
        const e = await podEvents(l, 'ns1', 'vpc-probed');
        return e.some((x) => x.reason === 'Unhealthy') ? e : undefined;
      });
      assert.ok(
        events.some((e) => /network is unreachable/.test(e.message)),
        JSON.stringify(events),
      );
      assert.equal(isReady(await statusOf(l, 'ns1', 'vpc-probed')), false);
    });
  },
);
