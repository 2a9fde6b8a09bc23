// The lab's components run as a cluster's would (issue 18 point 5): under the ServiceAccounts and least-privilege
// RBAC that `kovn install` renders. `kubectl create token kovn-controller` gives a token that may list subnets and
// may not create secrets; a ServiceAccount with no bindings gets 403 on subnets; a bogus token gets 401; CRDs are
// served. Removing one rule the controller needs (creating IP objects) makes it report Forbidden for exactly that,
// and putting the rule back lets it converge: the rendered rules are what the lab's own tests run under. The
// controller and node agents the lab supervises are the rendered containers' processes: /proc/PID/cmdline and
// /proc/PID/environ hold the rendered args and env ($(VAR)s and downward-API fields resolved), nothing but the
// LAB_OVERRIDES rows changed, and the kubeconfig each is given is its pod template's ServiceAccount's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { EnvVar } from '../../../src/lab/container-env.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import { LAB_OVERRIDES, labControllerWorkload, labNodeWorkload } from '../../../src/lab/rendered-launch.ts';
import { readStatus } from '../../../src/lab/status.ts';
import {
  createObject,
  getObject,
  kubectlRun,
  labDown,
  labHome,
  labUp,
  poller,
  runningPodIp,
  ROOT,
  skipUnlessRoot as skip,
} from '../../support/lab-e2e.ts';

let home = '';
let layout: LabLayout;
let kc: KubeConfig;
const eventually = poller({ ms: 60_000, every: 250 });

const kubectl = (args: string[]) => kubectlRun(layout.kubeconfig, args);
const withToken = (token: string, args: string[]) => kubectl(['--token', token, ...args]);

interface RenderedPod {
  serviceAccountName: string;
  containers: { name: string; command: string[]; args: string[]; env: EnvVar[] }[];
}
const podOf = (w: KubeObject) =>
  (w as unknown as { spec: { template: { spec: RenderedPod } } }).spec.template.spec;
const flagOf = (arg: string) => arg.split('=')[0]!;

/** The live process `component` of the lab status: its argv and environment, from /proc. */
function liveProcess(component: string): { argv: string[]; env: Record<string, string> } {
  const pid = readStatus(layout.statusFile)?.components.find((c) => c.name === component)?.pid;
  assert.ok(pid, `${component} has a pid in the status file`);
  const fields = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean);
  const env = Object.fromEntries(
    fields('environ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return { argv: fields('cmdline'), env };
}

/** Asserts that `component` runs `workload`'s container as rendered, changed only by the lab's override rows. */
function assertRunsRendered(component: string, workload: KubeObject, fields: Record<string, string>): void {
  const pod = podOf(workload);
  const c = pod.containers.find((x) => x.name === workload.metadata.name)!;
  const rows = LAB_OVERRIDES.filter((r) => r.container === c.name);
  const overriddenArgs = new Set(rows.flatMap((r) => ('arg' in r ? [r.arg] : [])));
  const overriddenEnv = new Set(rows.flatMap((r) => ('env' in r ? [r.env] : [])));
  const { argv, env } = liveProcess(component);
  assert.equal(argv[0], process.execPath, component);
  const program = c.command.slice(1).map((x) => x.replace(/^\/opt\/kovn\//, ROOT));
  if (c.command[0]!.endsWith('/bin/kovn')) program.unshift(join(ROOT, 'src/cli/main.ts'));
  assert.deepEqual(argv.slice(1, 1 + program.length), program, component);
  for (const e of c.env) {
    const want = e.valueFrom ? fields[e.valueFrom['fieldRef']?.fieldPath ?? ''] : e.value;
    assert.ok(e.name in env, `${component}: env ${e.name}`);
    if (overriddenEnv.has(e.name))
      assert.notEqual(env[e.name], e.value, `${component}: env ${e.name} overridden`);
    else if (want !== undefined) assert.equal(env[e.name], want, `${component}: env ${e.name}`);
  }
  const expand = (a: string) => a.replace(/\$\(([A-Z_]+)\)/g, (_m, v: string) => env[v] ?? `<unset ${v}>`);
  const rendered = c.args.filter((a) => !overriddenArgs.has(flagOf(a))).map(expand);
  const args = argv.slice(1 + program.length);
  for (const a of rendered) assert.ok(args.includes(a), `${component} runs with ${a}: ${args.join(' ')}`);
  for (const a of args)
    assert.ok(
      rendered.includes(a) || overriddenArgs.has(flagOf(a)) || a.startsWith('--metrics-url-file='),
      `${component}: ${a} is rendered or an override`,
    );
  const kubeconfig = args.find((a) => a.startsWith('--kubeconfig='))!.slice('--kubeconfig='.length);
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as { users: { name: string }[] };
  const user = `system:serviceaccount:kube-system:${pod.serviceAccountName}`;
  assert.deepEqual(
    doc.users.map((u) => u.name),
    [user],
    `${component}'s kubeconfig`,
  );
}

void describe('lab components under their rendered RBAC', { skip, timeout: 600_000 }, () => {
  before(() => {
    ({ home, layout } = labHome('kovn-rbac-', 'r'));
    kc = labUp(home, layout);
  });
  after(() => labDown(home, layout));

  it('the controller and node agents run the rendered command, args and env, as their own ServiceAccount', () => {
    assertRunsRendered('controller', labControllerWorkload(), {
      'metadata.namespace': 'kube-system',
      'metadata.name': 'kovn-controller-lab',
    });
    const status = readStatus(layout.statusFile)!;
    for (const node of status.nodes)
      assertRunsRendered(`${node}/node-agent`, labNodeWorkload(), {
        'metadata.namespace': 'kube-system',
        'spec.nodeName': node,
        'status.podIP': kubectl([
          'get',
          'node',
          node,
          '-o',
          'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}',
        ]).stdout.trim(),
      });
  });

  it('kovn-controller: may list subnets, may not create secrets; no bindings: 403; bogus token: 401', () => {
    const created = kubectl(['-n', 'kube-system', 'create', 'token', 'kovn-controller']);
    assert.equal(created.status, 0, created.stderr);
    const token = created.stdout.trim();
    assert.equal(withToken(token, ['auth', 'can-i', 'list', 'subnets.kubeovn.io']).stdout.trim(), 'yes');
    const secrets = withToken(token, ['auth', 'can-i', 'create', 'secrets', '-n', 'kube-system']);
    assert.equal(secrets.stdout.trim(), 'no');
    assert.equal(withToken(token, ['get', 'subnets']).status, 0);

    assert.equal(kubectl(['-n', 'default', 'create', 'serviceaccount', 'nobody']).status, 0);
    const nobody = kubectl(['-n', 'default', 'create', 'token', 'nobody']).stdout.trim();
    const refused = withToken(nobody, ['get', 'subnets']);
    assert.notEqual(refused.status, 0);
    assert.match(
      refused.stderr,
      /Forbidden.*User "system:serviceaccount:default:nobody" cannot list resource "subnets"/,
    );
    const bogus = withToken('not-a-token', ['get', 'subnets']);
    assert.match(bogus.stderr, /Unauthorized/);
    assert.equal(
      kubectl(['get', 'crd', 'vpcs.kubeovn.io', '-o', 'name']).stdout.trim(),
      'customresourcedefinition.apiextensions.k8s.io/vpcs.kubeovn.io',
    );
  });

  it('the controller runs as kovn-controller: without its rule for IP objects it reports Forbidden; with it, it converges', async () => {
    const path = objectPath('ClusterRole', 'system:kovn-controller');
    const role = await kubeRequest<KubeObject & { rules: { resources: string[] }[] }>(kc, {
      method: 'GET',
      path,
    });
    const without = role.rules.map((r) => ({ ...r, resources: r.resources.filter((x) => x !== 'ips') }));
    await kubeRequest(kc, { method: 'PUT', path, body: { ...role, rules: without } });
    await createObject(kc, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'rbac-pod', namespace: 'default' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    const log = join(layout.logDir, 'controller.log');
    await eventually('the controller to report Forbidden on ips', () =>
      /system:serviceaccount:kube-system:kovn-controller\\?" cannot create resource \\?"ips\\?"/.test(
        readFileSync(log, 'utf8'),
      ),
    );
    assert.equal(await getObject(kc, 'IP', 'rbac-pod.default'), undefined);
    const current = await kubeRequest<KubeObject>(kc, { method: 'GET', path });
    await kubeRequest(kc, { method: 'PUT', path, body: { ...role, metadata: current.metadata } });
    await runningPodIp(kc, eventually, 'default', 'rbac-pod');
    await eventually('the IP object', () => getObject(kc, 'IP', 'rbac-pod.default'));
  });
});
