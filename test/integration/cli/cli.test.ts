/**
 * `kovn apply|get|delete` as child processes against a real embedded API server, side by side with kubectl:
 * the seed and Config VPC manifests create, then stay unchanged, then configure; tables, YAML and JSON print as
 * kubectl prints them against the same server; rejections name object, field and reason; both tools read each
 * other's last-applied annotation.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlPath, lines, startCliLab, type CliLab } from './helpers.ts';
import { NAT_MANIFESTS } from '../../support/lab-e2e.ts';

const nat = 'examples/config-vpc/nat-gateway';
/** Seed + NAT gateway + VPC DNS manifests, one variant of each object (03-eip-static is invalid on purpose). */
const manifests = [
  ['-f', 'examples/seed'],
  ...NAT_MANIFESTS.map((f) => ['-f', `${nat}/${f}.yaml`]),
  ['-f', 'examples/config-vpc/vpc-dns'],
].flat();

const noKubectl = kubectlPath ? false : 'kubectl is not installed';

describe('kovn apply, get and delete against the embedded API server', () => {
  let lab: CliLab;
  before(async () => {
    lab = await startCliLab();
  });
  after(() => lab.close());

  it('applies the seed and Config VPC manifests in file order: every object created', async () => {
    const r = await lab.kovn('apply', ...manifests);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 28, r.stdout);
    assert.ok(
      out.every((l) => l.endsWith(' created')),
      r.stdout,
    );
    assert.deepEqual(out.slice(0, 4), [
      'namespace/ns1 created',
      'namespace/ns2 created',
      'vpc.kubeovn.io/test-vpc-1 created',
      'vpc.kubeovn.io/test-vpc-2 created',
    ]);
    for (const expected of [
      'pod/vpc1-pod created',
      'configmap/ovn-vpc-nat-config created',
      'networkattachmentdefinition.k8s.cni.cncf.io/ovn-vpc-external-network created',
      'vpcnatgateway.kubeovn.io/gw1 created',
      'iptableseip.kubeovn.io/eip-random created',
      'iptablesfiprule.kubeovn.io/fip01 created',
      'clusterrole.rbac.authorization.k8s.io/system:vpc-dns created',
      'serviceaccount/vpc-dns created',
      'vpcdns.kubeovn.io/test-cjh1 created',
    ]) {
      assert.ok(out.includes(expected), `${expected} in\n${r.stdout}`);
    }
  });

  it('applies them again: every object unchanged', async () => {
    const r = await lab.kovn('apply', ...manifests);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 28);
    assert.ok(
      out.every((l) => l.endsWith(' unchanged')),
      r.stdout,
    );
  });

  it('kubectl sees kovn’s last-applied annotations as its own: unchanged', { skip: noKubectl }, async () => {
    const r = await lab.kubectl('apply', ...manifests);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      lines(r.stdout).every((l) => l.endsWith(' unchanged')),
      r.stdout,
    );
  });

  it('a modified manifest is configured, and the fields it dropped are removed', async () => {
    const r = await lab.kovn('apply', '-f', 'examples/config-vpc/routing/static-routes.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'vpc.kubeovn.io/test-vpc-1 configured\n');
    const vpc = JSON.parse((await lab.kovn('get', 'vpc', 'test-vpc-1', '-o', 'json')).stdout) as {
      spec: { staticRoutes?: unknown[]; namespaces?: unknown };
    };
    assert.equal(vpc.spec.staticRoutes?.length, 2);
    assert.equal(vpc.spec.namespaces, undefined);
  });

  it('get prints the same tables as kubectl (frozen clock: same ages)', { skip: noKubectl }, async () => {
    lab.clock.advance(3 * 86_400_000 + 2 * 3_600_000);
    for (const args of [
      ['get', 'vpc'],
      ['get', 'vpc', '-o', 'wide'],
      ['get', 'subnets'],
      ['get', 'eip'],
      ['get', 'vpc-nat-gw'],
      ['get', 'fip', 'fip01'],
      ['get', 'pods', '-A'],
      ['get', 'po', '-A', '-o', 'wide'],
      ['get', 'ns'],
      ['get', 'net-attach-def', '-A'],
      ['get', 'ns', '-l', 'kubernetes.io/metadata.name=ns1'],
    ]) {
      const [mine, theirs] = await Promise.all([lab.kovn(...args), lab.kubectl(...args)]);
      assert.equal(mine.code, 0, mine.stderr);
      assert.equal(mine.stdout, theirs.stdout, `kovn ${args.join(' ')}`);
    }
    const vpcs = lines((await lab.kovn('get', 'vpc')).stdout);
    assert.match(vpcs[1] ?? '', /^test-vpc-1 +.* 3d2h$/);
  });

  it('get vpc-dns has the VpcDns printer columns', async () => {
    const r = await lab.kovn('get', 'vpc-dns');
    assert.equal(r.code, 0, r.stderr);
    const [header, row] = lines(r.stdout);
    assert.deepEqual(header?.split(/ +/), ['NAME', 'ACTIVE', 'VPC', 'SUBNET']);
    assert.deepEqual(row?.split(/ +/), ['test-cjh1', 'cjh-vpc-1', 'cjh-subnet-1']);
  });

  it(
    'get -o yaml and -o json print the object (or a List) as kubectl does',
    { skip: noKubectl },
    async () => {
      for (const args of [
        ['get', 'subnet', 'net1', '-o', 'yaml'],
        ['get', 'subnet', 'net1', '-o', 'json'],
        ['get', 'vpc', '-o', 'yaml'],
        ['get', 'pod', '-n', 'ns2', '-o', 'json'],
        ['get', 'vpc', 'test-vpc-1', 'test-vpc-2', '-o', 'yaml'],
        ['get', 'po', '-n', 'default', '-o', 'yaml'],
        ['get', 'eip', '-o', 'name'],
        ['get', 'po', '-A', '-o', 'name'],
      ]) {
        const [mine, theirs] = await Promise.all([lab.kovn(...args), lab.kubectl(...args)]);
        assert.equal(mine.code, 0, mine.stderr);
        assert.equal(mine.stdout, theirs.stdout, `kovn ${args.join(' ')}`);
      }
      const yaml = (await lab.kovn('get', 'subnet', 'net1', '-o', 'yaml')).stdout;
      assert.match(yaml, /^apiVersion: kubeovn.io\/v1\nkind: Subnet\nmetadata:\n/);
      assert.match(yaml, /\n {2}cidrBlock: 10\.0\.1\.0\/24\n/);
    },
  );

  it('get of a missing object or an unknown kind fails as kubectl does', async () => {
    const missing = await lab.kovn('get', 'vpc', 'nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (NotFound): vpcs.kubeovn.io "nope" not found\n');
    const unknown = await lab.kovn('get', 'widgets');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'error: the server doesn\'t have a resource type "widgets"\n');
    const none = await lab.kovn('get', 'pods');
    assert.equal(none.code, 0);
    assert.equal(none.stderr, 'No resources found in default namespace.\n');
  });

  it('an invalid manifest is rejected with its field path; the other documents are still applied', async () => {
    const file = join(lab.dir, 'mixed.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata:\n  name: fine-vpc\n',
        'apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata:\n  name: bad\nspec:\n  cidrBlock: 10.0.1.0/33\n  protocol: IPv4\n',
      ].join('---\n'),
    );
    const r = await lab.kovn('apply', '-f', file, '-f', `${nat}/03-eip-static.yaml`);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'vpc.kubeovn.io/fine-vpc created\n');
    const err = lines(r.stderr);
    assert.equal(err.length, 2, r.stderr);
    // Kube-OVN's webhook denies what its ValidateSubnet refuses: a 403, not a 422 (ADR 2).
    assert.match(
      err[0] ?? '',
      /^Error from server \(Forbidden\): error when creating ".*mixed.yaml": Subnet.kubeovn.io "bad" is forbidden: spec.cidrBlock: /,
    );
    assert.match(
      err[1] ?? '',
      /^Error from server \(Invalid\): error when creating "examples\/config-vpc\/nat-gateway\/03-eip-static.yaml": IptablesEIP.kubeovn.io "eip-static" is invalid: spec.v4ip: Invalid value: "10.0.1.111"/,
    );
    const alone = await lab.kovn('apply', '-f', `${nat}/03-eip-static.yaml`);
    assert.equal(alone.code, 1);
    assert.match(
      alone.stderr,
      /^The IptablesEIP "eip-static" is invalid: spec.v4ip: Invalid value: "10.0.1.111": not in the range/,
    );
  });

  it("the server's admission warnings are printed as kubectl prints them, and the apply succeeds", async () => {
    const file = 'test/fixtures/kube-ovn-valid/policy-priority-30000.yaml';
    const r = await lab.kovn('apply', '-f', file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'vpc.kubeovn.io/kv-priority created\n');
    assert.match(
      r.stderr,
      /^Warning: spec\.policyRoutes\[2\]\.priority: 30000 is below the allow policies at 31000 for each subnet of this VPC/m,
    );
    const gone = await lab.kovn('delete', '-f', file);
    assert.equal(gone.code, 0, gone.stderr);
  });

  it('a manifest of an unknown kind or an unparsable file is an error', async () => {
    const file = join(lab.dir, 'unknown.yaml');
    writeFileSync(file, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n');
    const r = await lab.kovn('apply', '-f', file);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: resource mapping not found for name: "w" namespace: "" from ".*unknown.yaml": no matches for kind "Widget" in version "example.com\/v1"/,
    );
    const broken = join(lab.dir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n');
    const b = await lab.kovn('apply', '-f', broken);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /^error: error parsing .*broken.yaml:\d+: /);
    const absent = await lab.kovn('apply', '-f', join(lab.dir, 'absent.yaml'));
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /^error: the path ".*absent.yaml" does not exist/);
  });

  it('delete -f deletes, then reports NotFound (exit 1) unless --ignore-not-found', async () => {
    const maps = `${nat}/00-nat-configmaps.yaml`;
    const r = await lab.kovn('delete', '-f', maps);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'configmap "ovn-vpc-nat-config" deleted\nconfigmap "ovn-vpc-nat-gw-config" deleted\n',
    );
    const again = await lab.kovn('delete', '-f', maps);
    assert.equal(again.code, 1);
    assert.equal(
      again.stderr,
      [
        `Error from server (NotFound): error when deleting "${maps}": configmaps "ovn-vpc-nat-config" not found`,
        `Error from server (NotFound): error when deleting "${maps}": configmaps "ovn-vpc-nat-gw-config" not found`,
        '',
      ].join('\n'),
    );
    const ignored = await lab.kovn('delete', '-f', maps, '--ignore-not-found');
    assert.deepEqual([ignored.code, ignored.stdout, ignored.stderr], [0, '', '']);
  });

  it('delete -f goes on after a refusal, in file order, as kubectl does', async () => {
    // 06-fip.yaml lists the EIP before the FIP rule that uses it: the EIP is refused, the rule deleted.
    const fip = `${nat}/06-fip.yaml`;
    const r = await lab.kovn('delete', '-f', fip);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'iptablesfiprule.kubeovn.io "fip01" deleted\n');
    assert.match(
      r.stderr,
      /^The IptablesEIP "eipf01" is forbidden|^Error from server \(Forbidden\): error when deleting ".*06-fip.yaml": IptablesEIP.kubeovn.io "eipf01" is forbidden: .*still in use by IptablesFIPRule\/fip01/,
    );
    const rest = await lab.kovn('delete', '-f', fip, '--ignore-not-found');
    assert.deepEqual([rest.code, rest.stdout], [0, 'iptableseip.kubeovn.io "eipf01" deleted\n']);
  });

  it(
    'kubectl apply, then kovn apply: unchanged; kovn configures, then kubectl: unchanged',
    { skip: noKubectl },
    async () => {
      const file = join(lab.dir, 'interop.yaml');
      const write = (cidr: string, data: string): void =>
        writeFileSync(
          file,
          [
            `apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata:\n  name: interop\n  annotations: {note: "<a&b>"}\nspec:\n  cidrBlock: ${cidr}\n  protocol: IPv4\n  excludeIps: [10.9.0.1..10.9.0.10]\n`,
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: interop\n  namespace: ns1\ndata:\n  key: "${data}"\n  port: "10"\n`,
            `apiVersion: v1\nkind: Pod\nmetadata:\n  name: interop\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports: [{containerPort: 80}]\n`,
          ].join('---\n'),
        );
      write('10.9.0.0/24', 'one');
      const created = await lab.kubectl('apply', '-f', file);
      assert.equal(created.code, 0, created.stderr);
      const same = await lab.kovn('apply', '-f', file);
      assert.equal(same.code, 0, same.stderr);
      assert.equal(
        same.stdout,
        'subnet.kubeovn.io/interop unchanged\nconfigmap/interop unchanged\npod/interop unchanged\n',
      );
      write('10.9.0.0/24', 'two');
      const mine = await lab.kovn('apply', '-f', file);
      assert.equal(
        mine.stdout,
        'subnet.kubeovn.io/interop unchanged\nconfigmap/interop configured\npod/interop unchanged\n',
      );
      const theirs = await lab.kubectl('apply', '-f', file);
      assert.equal(
        theirs.stdout,
        'subnet.kubeovn.io/interop unchanged\nconfigmap/interop unchanged\npod/interop unchanged\n',
      );
    },
  );
});
