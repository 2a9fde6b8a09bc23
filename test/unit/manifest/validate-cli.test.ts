// `kovn validate` as users run it: the real bin, real files, exit codes and one line per problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kovn = (...args: string[]) => spawnSync('bin/kovn', args, { encoding: 'utf8' });

test('every seed manifest file is valid on its own, and the first scenario as a whole', () => {
  for (const dir of [
    'examples/config-vpc/nat-gateway',
    'examples/config-vpc/routing',
    'examples/config-vpc/vpc-dns',
  ]) {
    for (const file of readdirSync(dir)) {
      const run = kovn('validate', '-f', join(dir, file));
      assert.equal(run.status, 0, `${file}: ${run.stderr}`);
    }
  }
  const run = kovn('validate', '-f', 'examples/seed');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^8 objects valid$/m);
});

test('rules decided across files: the seed static EIP is outside the seed external network', () => {
  const run = kovn('validate', '-f', 'examples/config-vpc/nat-gateway', '-f', 'examples/seed');
  assert.equal(run.status, 1);
  assert.equal(
    run.stderr.split('\n')[0],
    'examples/config-vpc/nat-gateway/03-eip-static.yaml:9 IptablesEIP/eip-static spec.v4ip: Invalid value: "10.0.1.111": not in the range of subnet ovn-vpc-external-network (cidr 192.168.0.0/24)',
  );
});

test('two subnets of one VPC overlapping in one directory, and a bad field, each get a line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-validate-'));
  try {
    writeFileSync(
      join(dir, 'a.yaml'),
      'kind: Subnet\napiVersion: kubeovn.io/v1\nmetadata:\n  name: a\nspec:\n  vpc: v1\n  cidrBlock: 10.0.0.0/16\n',
    );
    writeFileSync(
      join(dir, 'b.yaml'),
      'kind: Subnet\napiVersion: kubeovn.io/v1\nmetadata:\n  name: b\nspec:\n  vpc: v1\n  cidrBlock: 10.0.1.0/24\n  gateway: 10.0.9.1\n  colour: blue\n',
    );
    const run = kovn('validate', '-f', dir);
    assert.equal(run.status, 1);
    const lines = run.stderr.trim().split('\n');
    assert.deepEqual(lines, [
      `${dir}/a.yaml:7 Subnet/a spec.cidrBlock: Duplicate value: "10.0.0.0/16": overlaps subnet b (10.0.1.0/24) in vpc v1`,
      `${dir}/b.yaml:9 Subnet/b spec.colour: Unsupported value: unknown field "spec.colour"`,
      `${dir}/b.yaml:8 Subnet/b spec.gateway: Invalid value: "10.0.9.1": gateway 10.0.9.1 is not in cidr 10.0.1.0/24`,
      `${dir}/b.yaml:7 Subnet/b spec.cidrBlock: Duplicate value: "10.0.1.0/24": overlaps subnet a (10.0.0.0/16) in vpc v1`,
      '4 problems in 2 objects',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing files and no arguments are usage errors', () => {
  assert.equal(kovn('validate').status, 2);
  const run = kovn('validate', '-f', '/nonexistent/x.yaml');
  assert.equal(run.status, 2);
  assert.match(run.stderr, /no such file/);
});

test('warnings only: printed as kubectl prints them, and the exit code stays 0; with an error it is 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-validate-'));
  try {
    writeFileSync(
      join(dir, 'vpc.yaml'),
      [
        'kind: Vpc',
        'apiVersion: kubeovn.io/v1',
        'metadata:',
        '  name: v1',
        'spec:',
        '  policyRoutes:',
        '    - priority: 30000',
        '      match: ip4.src == 10.0.1.0/24',
        '      action: drop',
        '',
      ].join('\n'),
    );
    const warned = kovn('validate', '-f', dir);
    assert.equal(warned.status, 0, warned.stderr);
    assert.deepEqual(warned.stderr.trim().split('\n'), [
      `${dir}/vpc.yaml:7 Vpc/v1 Warning: spec.policyRoutes[0].priority: 30000 is below the allow policies at 31000 for each subnet of this VPC: traffic to the VPC's own subnets is allowed there and never reaches this policy (29000-31000 is the range Kube-OVN keeps for its own policies)`,
    ]);
    assert.equal(warned.stdout.trim(), '1 object valid (1 warning)');
    writeFileSync(
      join(dir, 'subnet.yaml'),
      'kind: Subnet\napiVersion: kubeovn.io/v1\nmetadata:\n  name: s1\nspec:\n  vpc: v1\n  cidrBlock: 10.0.1.0/33\n',
    );
    const failed = kovn('validate', '-f', dir);
    assert.equal(failed.status, 1);
    assert.equal(failed.stderr.trim().split('\n').at(-1), '1 problem in 2 objects (1 warning)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
