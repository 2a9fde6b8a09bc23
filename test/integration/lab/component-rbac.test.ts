// The lab's components run as a cluster's would (issue 18 point 5): under the ServiceAccounts and least-privilege
// RBAC that `kovn install` renders. `kubectl create token kovn-controller` gives a token that may list subnets and
// may not create secrets; a ServiceAccount with no bindings gets 403 on subnets; a bogus token gets 401; CRDs are
// served. Removing one rule the controller needs (creating IP objects) makes it report Forbidden for exactly that,
// and putting the rule back lets it converge: the rendered rules are what the lab's own tests run under.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  createObject,
  getObject,
  kubectlRun,
  labDown,
  labHome,
  labUp,
  poller,
  runningPodIp,
  skipUnlessRoot as skip,
} from '../../support/lab-e2e.ts';

let home = '';
let layout: LabLayout;
let kc: KubeConfig;
const eventually = poller({ ms: 60_000, every: 250 });

const kubectl = (args: string[]) => kubectlRun(layout.kubeconfig, args);
const withToken = (token: string, args: string[]) => kubectl(['--token', token, ...args]);

void describe('lab components under their rendered RBAC', { skip, timeout: 600_000 }, () => {
  before(() => {
    ({ home, layout } = labHome('kovn-rbac-', 'r'));
    kc = labUp(home, layout);
  });
  after(() => labDown(home, layout));

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
