// End-to-end with the real kubectl on PATH (or $KOVN_KUBECTL): apply with client-side validation left on,
// re-apply unchanged, get with printer columns, explain, delete, and a rejected object with its field path.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.ts';
import { header, kubectlAvailable, kubectlBin, kubectlFor, ok } from './kubectl-cli.ts';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;

let t: TestServer;
const kubectl = kubectlFor(() => t);

describe('kubectl end to end', { skip: kubectlAvailable ? false : `${kubectlBin} not found` }, () => {
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('applies the seed manifests with validation on, and re-applying reports unchanged', async () => {
    const first = ok(await kubectl('apply', '-f', join(fixtures, 'seed-core.yaml')));
    assert.match(first, /namespace\/ns1 created/);
    assert.match(first, /pod\/vpc1-pod created/);
    assert.match(first, /networkattachmentdefinition.k8s.cni.cncf.io\/ovn-vpc-external-network created/);
    assert.match(first, /clusterrole.rbac.authorization.k8s.io\/system:vpc-dns created/);
    assert.match(first, /clusterrolebinding.rbac.authorization.k8s.io\/vpc-dns created/);
    assert.match(first, /serviceaccount\/vpc-dns created/);
    assert.match(first, /configmap\/vpc-dns-corefile created/);
    const second = ok(await kubectl('apply', '-f', join(fixtures, 'seed-core.yaml')));
    assert.equal(second.split('\n').filter((l) => l && !l.endsWith(' unchanged')).length, 0, second);
  });

  it('applies kubeovn.io objects and prints their columns', async () => {
    assert.match(
      ok(await kubectl('apply', '-f', join(fixtures, 'seed-vpc.yaml'))),
      /vpc.kubeovn.io\/test-vpc-1 created/,
    );
    const again = ok(await kubectl('apply', '-f', join(fixtures, 'seed-vpc.yaml')));
    assert.equal(again.split('\n').filter((l) => l && !l.endsWith(' unchanged')).length, 0, again);
    const vpcs = ok(await kubectl('get', 'vpc'));
    assert.equal(header(vpcs)[0], 'NAME');
    assert.ok(header(vpcs).includes('NAMESPACES'), vpcs);
    assert.match(vpcs, /test-vpc-1 .*\["ns1"\]/);
    const subnets = ok(await kubectl('get', 'subnets'));
    assert.match(subnets, /net1 .*test-vpc-1 .*10\.0\.1\.0\/24/);
    const patched = ok(
      await kubectl('patch', 'vpc', 'test-vpc-2', '-p', '{"spec":{"namespaces":["ns2","ns3"]}}'),
    );
    assert.match(patched, /patched/);
    const explained = ok(await kubectl('explain', 'vpc.spec.staticRoutes'));
    assert.match(explained, /nextHopIP/);
    assert.match(explained, /cidr/);
  });

  it('prints built-in kinds with their server-side columns', async () => {
    const pods = ok(await kubectl('get', 'pods', '-A', '-o', 'wide'));
    assert.deepEqual(header(pods).slice(0, 8), [
      'NAMESPACE',
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
    ]);
    assert.match(pods, /ns1 +vpc1-pod +0\/1 +Pending +0/);
    const ns = ok(await kubectl('get', 'ns'));
    assert.deepEqual(header(ns), ['NAME', 'STATUS', 'AGE']);
    assert.match(ns, /kube-system +Active/);
    const cms = ok(await kubectl('get', 'configmaps', '-n', 'kube-system'));
    assert.deepEqual(header(cms), ['NAME', 'DATA', 'AGE']);
    assert.match(cms, /vpc-dns-config +4 /);
    const yaml = ok(await kubectl('get', 'sa', 'vpc-dns', '-n', 'kube-system', '-o', 'yaml'));
    assert.match(yaml, /name: vpc-dns/);
  });

  it('rejects an invalid object with the field path in kubectl stderr', async () => {
    const file = join(t.dir, 'bad.yaml');
    writeFileSync(
      file,
      'kind: Vpc\napiVersion: kubeovn.io/v1\nmetadata:\n  name: bad-vpc\nspec:\n  staticRoutes:\n    - cidr: not-a-cidr\n      nextHopIP: 10.0.1.254\n',
    );
    const bad = await kubectl('apply', '-f', file);
    assert.notEqual(bad.code, 0);
    assert.match(
      bad.stderr,
      /Vpc "bad-vpc" is invalid: spec\.staticRoutes\[0\]\.cidr: Invalid value: "not-a-cidr"/,
    );
    writeFileSync(
      file,
      'kind: Vpc\napiVersion: kubeovn.io/v1\nmetadata:\n  name: bad-vpc\nspec:\n  bogus: 1\n',
    );
    const unknown = await kubectl('apply', '-f', file);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown field "(spec\.)?bogus"/);
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n');
    const badName = await kubectl('apply', '-f', file);
    assert.notEqual(badName.code, 0);
    assert.match(badName.stderr, /metadata\.name: Invalid value: "Bad_Name"/);
  });

  it('runs imperative create commands (kubectl >= 1.30 sends their bodies as protobuf)', async () => {
    ok(await kubectl('create', 'namespace', 'imperative'));
    ok(await kubectl('create', 'configmap', 'c1', '--from-literal=a=b', '-n', 'imperative'));
    ok(await kubectl('create', 'serviceaccount', 'sa1', '-n', 'imperative'));
    ok(await kubectl('create', 'clusterrole', 'imperative-role', '--verb=get,list', '--resource=pods'));
    ok(
      await kubectl(
        'create',
        'clusterrolebinding',
        'imperative-binding',
        '--clusterrole=imperative-role',
        '--serviceaccount=imperative:sa1',
      ),
    );
    ok(await kubectl('create', 'deployment', 'web', '--image=nginx', '--port=80', '-n', 'imperative'));
    ok(await kubectl('create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'imperative'));
    const deployment = JSON.parse(
      ok(await kubectl('get', 'deployment', 'web', '-n', 'imperative', '-o', 'json')),
    ) as { spec: { template: { spec: { containers: Array<{ image: string; ports: unknown }> } } } };
    assert.deepEqual(
      deployment.spec.template.spec.containers.map((c) => [c.image, c.ports]),
      [['nginx', [{ containerPort: 80 }]]],
    );
    assert.equal(ok(await kubectl('get', 'cm', 'c1', '-n', 'imperative', '-o', 'jsonpath={.data.a}')), 'b');
    assert.match(
      ok(await kubectl('get', 'svc', 'web', '-n', 'imperative')),
      /web +ClusterIP +10\.96\.\d+\.\d+ +<none> +80\/TCP/,
    );
    assert.match(ok(await kubectl('delete', 'ns', 'imperative')), /deleted/);
  });

  it('deletes objects and namespaces', async () => {
    assert.match(ok(await kubectl('delete', 'subnet', 'net1', 'net2')), /subnet.kubeovn.io "net1" deleted/);
    assert.match(
      ok(await kubectl('delete', 'vpc', 'test-vpc-1', 'test-vpc-2')),
      /vpc.kubeovn.io "test-vpc-1" deleted/,
    );
    assert.match(ok(await kubectl('delete', 'ns', 'ns1')), /namespace "ns1" deleted/);
    const gone = await kubectl('get', 'pod', 'vpc1-pod', '-n', 'ns1');
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound|not found/);
    assert.match(
      ok(await kubectl('delete', '-f', join(fixtures, 'seed-core.yaml'), '--ignore-not-found')),
      /configmap "vpc-dns-corefile" deleted/,
    );
  });
});
