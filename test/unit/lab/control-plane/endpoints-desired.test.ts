// Table-driven tests of the lab endpoints controller's desired Endpoints and EndpointSlices: selector matching,
// ready and not-ready pods, targetPort by name per pod, subsets per port set, and what is left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import {
  desiredEndpoints,
  desiredSlices,
  managesEndpoints,
} from '../../../../src/lab/control-plane/endpoints-desired.ts';

const service = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns1', uid: 's1', labels: { team: 'a' } },
  spec,
});
const pod = (
  name: string,
  ip: string,
  opts: {
    ready?: boolean;
    labels?: Record<string, string>;
    port?: number;
    phase?: string;
    deleting?: boolean;
  } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns1',
    uid: `u-${name}`,
    labels: opts.labels ?? { app: 'web' },
    ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: {
    nodeName: 'n1',
    containers: [{ name: 'c', ports: opts.port ? [{ name: 'http', containerPort: opts.port }] : [] }],
  },
  status: {
    phase: opts.phase ?? 'Running',
    podIP: ip,
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  },
});

const svc = service({
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
});
const pods = [
  pod('b', '10.0.1.6', { port: 8080 }),
  pod('a', '10.0.1.5', { port: 80 }),
  pod('c', '10.0.1.7', { port: 80, ready: false }),
  pod('d', '10.0.1.8', { port: 80, labels: { app: 'db' } }),
  pod('e', '10.0.1.9', { port: 80, phase: 'Succeeded' }),
  pod('f', '10.0.1.10', { port: 80, deleting: true }),
  pod('g', '', { port: 80 }),
  pod('h', '10.0.1.11'),
];

void test('Endpoints: one subset per resolved port set; ready and not-ready addresses; others left out', () => {
  const ep = desiredEndpoints(svc, pods);
  assert.deepEqual(ep.metadata.labels, { team: 'a' });
  assert.deepEqual(
    ep.metadata.ownerReferences?.map((o) => o.uid),
    ['s1'],
  );
  const subsets = ep['subsets'] as {
    addresses: { ip: string }[];
    notReadyAddresses: { ip: string }[];
    ports: unknown;
  }[];
  assert.deepEqual(
    subsets.map((s) => [s.addresses.map((a) => a.ip), s.notReadyAddresses.map((a) => a.ip), s.ports]),
    [
      [['10.0.1.5'], ['10.0.1.7'], [{ name: 'http', port: 80, protocol: 'TCP' }]],
      [['10.0.1.6'], [], [{ name: 'http', port: 8080, protocol: 'TCP' }]],
    ],
    'pod h has no port named http: it serves nothing',
  );
  const address = subsets[0]!.addresses[0] as unknown as Record<string, unknown>;
  assert.deepEqual(address, {
    ip: '10.0.1.5',
    nodeName: 'n1',
    targetRef: { kind: 'Pod', name: 'a', namespace: 'ns1', uid: 'u-a' },
  });
});

void test('EndpointSlices: one per port set, named <service>-<n>, labelled for the Service, conditions per pod', () => {
  const slices = desiredSlices(svc, pods);
  assert.deepEqual(
    slices.map((s) => s.metadata.name),
    ['web-0', 'web-1'],
  );
  const s = slices[0]!;
  assert.equal(s.metadata.labels?.['kubernetes.io/service-name'], 'web');
  assert.equal(
    s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'],
    'endpointslice-controller.k8s.io',
  );
  assert.deepEqual(
    (s['endpoints'] as { addresses: string[]; conditions: { ready: boolean } }[]).map((e) => [
      e.addresses[0],
      e.conditions.ready,
    ]),
    [
      ['10.0.1.5', true],
      ['10.0.1.7', false],
    ],
  );
});

void test('numeric targetPort, publishNotReadyAddresses, and which Services are managed at all', () => {
  const numeric = service({
    selector: { app: 'web' },
    publishNotReadyAddresses: true,
    ports: [{ port: 80, targetPort: 9000 }],
  });
  const subsets = desiredEndpoints(numeric, [pod('c', '10.0.1.7', { ready: false })])['subsets'] as {
    addresses: { ip: string }[];
    ports: unknown;
  }[];
  assert.deepEqual(
    [subsets[0]!.addresses.map((a) => a.ip), subsets[0]!.ports],
    [['10.0.1.7'], [{ name: '', port: 9000, protocol: 'TCP' }]],
  );
  assert.equal(managesEndpoints(svc), true);
  assert.equal(
    managesEndpoints(service({ ports: [{ port: 80 }] })),
    false,
    'no selector: the owner writes them',
  );
  assert.equal(managesEndpoints(service({ selector: {} })), false);
  assert.equal(managesEndpoints(service({ type: 'ExternalName', selector: { app: 'web' } })), false);
});
