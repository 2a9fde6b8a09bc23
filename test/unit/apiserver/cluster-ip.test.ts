// Table-driven tests of Service cluster IP allocation: requested addresses honoured or refused by field with the
// reason, dynamic ones from above the low band, the range's own network and broadcast never handed out, a full range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import { allocateClusterIp, parseServiceCidr } from '../../../src/apiserver/resources/cluster-ip.ts';
import { prepareServiceUpdate } from '../../../src/apiserver/resources/defaults.ts';
import { ApiError } from '../../../src/apiserver/status.ts';

const cidr = parseServiceCidr('10.96.0.0/12');

void test('a requested address: honoured when free and in range, else a field error naming why', () => {
  const used = new Set(['10.96.0.10']);
  const cases: [string, string | RegExp][] = [
    ['10.96.0.1', '10.96.0.1'],
    ['10.111.255.254', '10.111.255.254'],
    ['10.96.0.10', /provided IP is already allocated/],
    ['10.112.0.1', /not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/],
    ['10.96.0.0', /not in the valid range/],
    ['10.111.255.255', /not in the valid range/],
    ['10.96.0', /must be a valid IP address/],
  ];
  for (const [requested, want] of cases) {
    const out = allocateClusterIp(cidr, used, requested);
    if (typeof want === 'string') assert.deepEqual(out, { ok: true, ip: want }, requested);
    else {
      assert.equal(out.ok, false, requested);
      if (!out.ok) {
        assert.equal(out.issue.field, 'spec.clusterIP');
        assert.match(out.issue.message, want);
      }
    }
  }
});

void test('dynamic addresses start above the low band kept for requested ones, and skip used ones', () => {
  assert.deepEqual(allocateClusterIp(cidr, new Set(), undefined), { ok: true, ip: '10.96.1.1' });
  assert.deepEqual(allocateClusterIp(cidr, new Set(['10.96.1.1']), undefined), { ok: true, ip: '10.96.1.2' });
  const small = parseServiceCidr('10.0.0.0/24');
  assert.deepEqual(
    allocateClusterIp(small, new Set(), undefined),
    { ok: true, ip: '10.0.0.17' },
    'band of 16',
  );
  const tiny = parseServiceCidr('10.0.0.0/29');
  assert.deepEqual(allocateClusterIp(tiny, new Set(), undefined), { ok: true, ip: '10.0.0.1' }, 'no band');
});

void test('a full range wraps around to the low band, then says it is full', () => {
  const tiny = parseServiceCidr('10.0.0.0/30');
  assert.deepEqual(allocateClusterIp(tiny, new Set(['10.0.0.1']), undefined), { ok: true, ip: '10.0.0.2' });
  const full = allocateClusterIp(tiny, new Set(['10.0.0.1', '10.0.0.2']), undefined);
  assert.equal(full.ok, false);
  if (!full.ok) assert.match(full.issue.message, /range is full/);
});

void test('the service CIDR must be an IPv4 network of at least 4 addresses', () => {
  assert.throws(() => parseServiceCidr('10.96.0.0/31'), /at least 4 addresses/);
  assert.throws(() => parseServiceCidr('fd00::/64'), /IPv4/);
  assert.throws(() => parseServiceCidr('nonsense'), /service CIDR "nonsense"/);
});

void test('on update a Service keeps its cluster IP, and may not change it', () => {
  const old = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'n' },
    spec: { clusterIP: '10.96.1.1', clusterIPs: ['10.96.1.1'], ipFamilies: ['IPv4'], ports: [{ port: 80 }] },
  };
  const omitted = { ...old, spec: { ports: [{ port: 81 }] } } as KubeObject;
  prepareServiceUpdate(omitted, old);
  assert.deepEqual(omitted['spec'], {
    ports: [{ port: 81 }],
    clusterIP: '10.96.1.1',
    clusterIPs: ['10.96.1.1'],
    ipFamilies: ['IPv4'],
  });
  const changed = { ...old, spec: { clusterIP: '10.96.1.2' } } as KubeObject;
  assert.throws(
    () => prepareServiceUpdate(changed, old),
    (err: unknown) =>
      err instanceof ApiError &&
      err.code === 422 &&
      /spec\.clusterIPs\[0\]: Invalid value: "10\.96\.1\.2": may not change once set/.test(err.message),
  );
  const toExternal = { ...old, spec: { type: 'ExternalName', externalName: 'x.example' } } as KubeObject;
  prepareServiceUpdate(toExternal, old);
  assert.equal((toExternal['spec'] as { clusterIP?: string }).clusterIP, undefined);
});
