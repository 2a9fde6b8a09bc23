// TProxy in real network namespaces, without a lab (the agent's part at the end, with a real OVS database): a "node" namespace with the rules (apply.ts) and the
// transparent listener (Python socket helper + listener-main.ts), two "pod" namespaces holding the same address
// 10.0.1.2 (two VPCs on one node): one answers port 80 (the lab's responder), the other does not. Probes are made
// from the node namespace with curl, as kubelet would; the listener's control socket is asked from here (a unix
// socket crosses namespaces). Every namespace and process is removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { KubeObject } from '../../../src/api/types.ts';
import { vsctl } from '../../../src/ovn/vsctl.ts';
import { applyTproxy, removeTproxy } from '../../../src/node/tproxy/apply.ts';
import { TproxyReconciler } from '../../../src/node/tproxy/reconciler.ts';
import { startOvsSwitch, type OvsSwitch } from '../../support/ovs-switch.ts';
import { LISTEN_IP, startListener, stopListener } from '../../../src/node/tproxy/process.ts';
import type { ProbeTarget } from '../../../src/node/tproxy/targets.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { processRunner, type SpawnedProcess } from '../../../src/util/exec.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces, iptables)' : false;
const RESPONDER = fileURLToPath(new URL('../../../src/node/responder.ts', import.meta.url));
const id = randomBytes(3).toString('hex');
const nodeNs = `tpx${id}-n`;
const pod1 = `tpx${id}-p1`;
const pod2 = `tpx${id}-p2`;
let dir: string;
let control: string;
let responder: SpawnedProcess | undefined;

const sh = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
const inNode = (...args: string[]) => sh('ip', 'netns', 'exec', nodeNs, ...args);
const target = (pod: string, netns: string, port = 80): ProbeTarget => ({
  pod,
  uid: pod,
  ip: '10.0.1.2',
  port,
  vpc: pod.split('/')[0] ?? '',
  netns,
});
const targets = [target('vpc-a/web', pod1), target('vpc-b/web', pod2)];

function controlCall(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: control, method, path }, (res) => {
      let out = '';
      res.on('data', (c: Buffer) => (out += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: out }));
    });
    req.on('error', reject);
    req.end(text);
  });
}
const curl = (...args: string[]) => inNode('curl', '-sS', '-m', '5', ...args, 'http://10.0.1.2:80/');

void describe('TProxy in a node namespace', { skip, timeout: 120_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kovn-tproxy-'));
    control = join(dir, 'tproxy.sock');
    for (const ns of [nodeNs, pod1, pod2]) {
      assert.equal(sh('ip', 'netns', 'add', ns).status, 0);
      sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
    }
    for (const ns of [pod1, pod2]) sh('ip', '-n', ns, 'addr', 'add', '10.0.1.2/32', 'dev', 'lo');
    responder = await processRunner.spawn(
      process.execPath,
      [RESPONDER, '--pod', 'vpc-a/web', '--tcp', '80'],
      {
        netns: pod1,
      },
    );
    await startListener(processRunner, { nodeNetns: nodeNs, control, logFile: join(dir, 'listener.log') });
    for (let i = 0; i < 100; i++) {
      const ok = await controlCall('PUT', '/targets', { targets }).then(
        (r) => r.status === 204,
        () => false,
      );
      if (ok) break;
      await systemClock.sleep(100);
    }
    await applyTproxy(processRunner, nodeNs, targets, LISTEN_IP);
  });
  after(async () => {
    await stopListener(systemClock, control);
    responder?.kill('SIGKILL');
    await responder?.exited;
    for (const ns of [nodeNs, pod1, pod2]) sh('ip', 'netns', 'delete', ns);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the reference rules, policy rules and table while enabled', () => {
    const mangle = inNode('iptables-save', '-t', 'mangle').stdout;
    assert.match(mangle, /-A OUTPUT -m comment --comment "kube-ovn output rules" -j OVN-OUTPUT/);
    assert.match(
      mangle,
      /-A OVN-OUTPUT -d 10\.0\.1\.2\/32 -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x90003\/0x90003/,
    );
    assert.match(
      mangle,
      /-A OVN-PREROUTING -d 10\.0\.1\.2\/32 -p tcp -m tcp --dport 80 -j TPROXY --on-port 8102 --on-ip 127\.0\.0\.1 --tproxy-mark 0x90004\/0x90004/,
    );
    const rules = sh('ip', '-n', nodeNs, 'rule').stdout;
    assert.match(rules, /fwmark 0x90003\/0x90003 lookup 10001/);
    assert.match(rules, /fwmark 0x90004\/0x90004 lookup 10001/);
    assert.match(sh('ip', '-n', nodeNs, 'route', 'show', 'table', '10001').stdout, /local default dev lo/);
  });

  it('converging again changes nothing', async () => {
    assert.deepEqual(await applyTproxy(processRunner, nodeNs, targets, LISTEN_IP), {
      chains: false,
      jumps: 0,
      rules: 0,
      routes: 0,
    });
  });

  it('same address, same port, two VPCs: an announced probe reaches the pod it names', async () => {
    const ok = await controlCall('POST', '/expect', {
      pod: 'vpc-a/web',
      ip: '10.0.1.2',
      port: 80,
      srcPort: 40001,
    });
    assert.equal(ok.status, 200, ok.body);
    const r = curl('--local-port', '40001');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'vpc-a/web\n');
    const refused = await controlCall('POST', '/expect', {
      pod: 'vpc-b/web',
      ip: '10.0.1.2',
      port: 80,
      srcPort: 40002,
    });
    assert.equal(refused.status, 502);
    assert.match(
      (JSON.parse(refused.body) as { error: string }).error,
      /dial tcp 10\.0\.1\.2:80: connect: connection refused/,
    );
  });

  it('an unannounced connection is reset while the address is ambiguous, carried once it is not', async () => {
    assert.notEqual(curl().status, 0, 'ambiguous: never guessed');
    await controlCall('PUT', '/targets', { targets: [targets[0]] });
    const r = curl();
    assert.equal(r.stdout, 'vpc-a/web\n', r.stderr);
    const stats = JSON.parse((await controlCall('GET', '/stats')).body) as {
      carried: Record<string, number>;
    };
    assert.equal(stats.carried['vpc-a/web'], 2);
    assert.equal(stats.carried['vpc-b/web'], undefined);
    await controlCall('PUT', '/targets', { targets });
  });

  it('removing leaves no rule, route or chain, and probes no longer get through', async () => {
    await removeTproxy(processRunner, nodeNs);
    const mangle = inNode('iptables-save', '-t', 'mangle').stdout;
    assert.doesNotMatch(mangle, /OVN-|TPROXY|0x9000/);
    assert.doesNotMatch(sh('ip', '-n', nodeNs, 'rule').stdout, /1000[123]:/);
    assert.equal(sh('ip', '-n', nodeNs, 'route', 'show', 'table', '10001').stdout.trim(), '');
    assert.notEqual(curl().status, 0);
    assert.deepEqual(await removeTproxy(processRunner, nodeNs), {
      chains: false,
      jumps: 0,
      rules: 0,
      routes: 0,
    });
  });
});

void describe(
  "the node agent's TProxy part: on converges from the caches and OVS, a restart with it off removes all",
  { skip, timeout: 180_000 },
  () => {
    const n = `tpr${id}-n`;
    const p = `tpr${id}-p`;
    let rundir: string;
    let ovs: OvsSwitch | undefined;
    let web: SpawnedProcess | undefined;
    const place = () => ({
      nodeNetns: n,
      control: join(rundir, 'tproxy.sock'),
      logFile: join(rundir, 'tproxy.log'),
    });
    const pods = (): KubeObject[] => [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'web',
          namespace: 'a',
          uid: 'u-web',
          annotations: {
            'ovn.kubernetes.io/logical_switch': 'net1',
            'ovn.kubernetes.io/ip_address': '10.0.1.2',
          },
        },
        spec: { containers: [{ name: 'c', readinessProbe: { httpGet: { port: 80 } } }] },
      },
    ];
    const subnets = (): KubeObject[] => [
      { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: 'net1' }, spec: { vpc: 'vpc-a' } },
    ];
    const reconciler = (enabled: boolean) =>
      new TproxyReconciler({
        enabled,
        place: place(),
        ovsRundir: join(rundir, 'ovs'),
        pods,
        subnets,
        runner: processRunner,
        clock: systemClock,
        log: pino({ level: 'silent' }),
      });

    before(async () => {
      rundir = mkdtempSync(join(tmpdir(), 'kovn-tproxy-agent-'));
      mkdirSync(join(rundir, 'ovs'));
      for (const ns of [n, p]) {
        assert.equal(sh('ip', 'netns', 'add', ns).status, 0);
        sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      }
      sh('ip', '-n', p, 'addr', 'add', '10.0.1.2/32', 'dev', 'lo');
      web = await processRunner.spawn(process.execPath, [RESPONDER, '--pod', 'a/web', '--tcp', '80'], {
        netns: p,
      });
      ovs = await startOvsSwitch(n, join(rundir, 'ovs'));
      await vsctl(
        processRunner,
        join(rundir, 'ovs'),
        'add-port',
        'br-int',
        'web_h',
        '--',
        'set',
        'Interface',
        'web_h',
        'external_ids:pod_namespace=a',
        'external_ids:pod_name=web',
        `external_ids:pod_netns=${p}`,
        'external_ids:vendor=kube-ovn',
      );
    });
    after(async () => {
      await stopListener(systemClock, place().control);
      await ovs?.stop();
      web?.kill('SIGKILL');
      await web?.exited;
      for (const ns of [n, p]) sh('ip', 'netns', 'delete', ns);
      rmSync(rundir, { recursive: true, force: true });
    });

    it('enabled: rules and listener come up and a probe from the node reaches the pod', async () => {
      const on = reconciler(true);
      await on.start();
      let body = '';
      for (let i = 0; i < 120 && body !== 'a/web\n'; i++) {
        body = sh('ip', 'netns', 'exec', n, 'curl', '-sS', '-m', '3', 'http://10.0.1.2:80/').stdout;
        if (body !== 'a/web\n') await systemClock.sleep(500);
      }
      assert.equal(body, 'a/web\n');
      assert.match(
        sh('ip', 'netns', 'exec', n, 'iptables-save', '-t', 'mangle').stdout,
        /-d 10\.0\.1\.2\/32 .*TPROXY/,
      );
      await on.stop();
      assert.equal(existsSync(place().control), false, 'stopping the agent ends its listener');
    });

    it('a restart with the flag off removes every rule, route and chain, and the listener an earlier run left', async () => {
      // What an agent that died with the flag on leaves behind: its rules and its listener.
      await applyTproxy(processRunner, n, [target('a/web', p)], LISTEN_IP);
      const left = await startListener(processRunner, place());
      for (let i = 0; i < 120 && !existsSync(place().control); i++) await systemClock.sleep(250);
      const pid = left.pid;
      const off = reconciler(false);
      await off.start();
      const mangle = sh('ip', 'netns', 'exec', n, 'iptables-save', '-t', 'mangle').stdout;
      assert.doesNotMatch(mangle, /OVN-|TPROXY|0x9000/);
      assert.doesNotMatch(sh('ip', '-n', n, 'rule').stdout, /1000[123]:/);
      for (const table of ['10001', '10002'])
        assert.equal(sh('ip', '-n', n, 'route', 'show', 'table', table).stdout.trim(), '');
      assert.equal(existsSync(place().control), false);
      await left.exited;
      const cmdline = `/proc/${pid}/cmdline`;
      assert.ok(!existsSync(cmdline) || readFileSync(cmdline, 'utf8') === '', 'the old listener is gone');
    });
  },
);
