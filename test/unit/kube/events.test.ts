// The one Event builder (src/kube/events.ts), as each of its three writers records: the controller
// (kube-ovn-controller), the lab's kubelet (with its node as host) and the scheduler (timestamps to the second).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeRequest } from '../../../src/kube/client.ts';
import { EventRecorder, eventObject, eventTime, type EventSource } from '../../../src/kube/events.ts';
import { FakeClock } from '../../../src/util/clock.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const at = { now: NOW, nameSuffix: '00ff' };
const warning = { type: 'Warning', reason: 'Failed', message: 'it broke' } as const;

describe('eventTime', () => {
  const cases: Array<['ms' | 's' | undefined, string]> = [
    [undefined, '2026-01-02T03:04:05.678Z'],
    ['ms', '2026-01-02T03:04:05.678Z'],
    ['s', '2026-01-02T03:04:05Z'],
  ];
  for (const [precision, text] of cases)
    it(`${precision ?? 'default'}: ${text}`, () => assert.equal(eventTime(NOW, precision), text));
});

describe('eventObject', () => {
  const cases: Array<{
    what: string;
    involved: Parameters<typeof eventObject>[0];
    source: EventSource;
    want: Record<string, unknown>;
  }> = [
    {
      what: 'the controller, a cluster-scoped object: Event in default, involvedObject without namespace',
      involved: { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', name: 'vpc1', namespace: undefined },
      source: { component: 'kube-ovn-controller' },
      want: {
        metadata: { name: 'vpc1.00ff', namespace: 'default' },
        involvedObject: { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', name: 'vpc1' },
        source: { component: 'kube-ovn-controller' },
        reportingComponent: 'kube-ovn-controller',
        firstTimestamp: '2026-01-02T03:04:05.678Z',
        lastTimestamp: '2026-01-02T03:04:05.678Z',
      },
    },
    {
      what: 'the controller, a namespaced object',
      involved: { apiVersion: 'kubeovn.io/v1', kind: 'SwitchLBRule', name: 'r', namespace: 'ns1' },
      source: { component: 'kube-ovn-controller' },
      want: {
        metadata: { name: 'r.00ff', namespace: 'ns1' },
        involvedObject: { apiVersion: 'kubeovn.io/v1', kind: 'SwitchLBRule', name: 'r', namespace: 'ns1' },
        source: { component: 'kube-ovn-controller' },
        reportingComponent: 'kube-ovn-controller',
        firstTimestamp: '2026-01-02T03:04:05.678Z',
        lastTimestamp: '2026-01-02T03:04:05.678Z',
      },
    },
    {
      what: 'the kubelet: host and reportingInstance are the node, uid carried',
      involved: { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
      source: { component: 'kubelet', host: 'node-1', instance: 'node-1' },
      want: {
        metadata: { name: 'web.00ff', namespace: 'default' },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
        source: { component: 'kubelet', host: 'node-1' },
        reportingComponent: 'kubelet',
        reportingInstance: 'node-1',
        firstTimestamp: '2026-01-02T03:04:05.678Z',
        lastTimestamp: '2026-01-02T03:04:05.678Z',
      },
    },
    {
      what: 'the scheduler: resourceVersion carried, timestamps to the second, an undefined uid left out',
      involved: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: 'p',
        namespace: 'ns1',
        uid: undefined,
        resourceVersion: '42',
      },
      source: { component: 'default-scheduler', instance: 'default-scheduler-kovn', precision: 's' },
      want: {
        metadata: { name: 'p.00ff', namespace: 'ns1' },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'ns1', resourceVersion: '42' },
        source: { component: 'default-scheduler' },
        reportingComponent: 'default-scheduler',
        reportingInstance: 'default-scheduler-kovn',
        firstTimestamp: '2026-01-02T03:04:05Z',
        lastTimestamp: '2026-01-02T03:04:05Z',
      },
    },
  ];
  for (const c of cases)
    it(c.what, () => {
      const event = eventObject(c.involved, warning, c.source, at);
      assert.deepEqual(JSON.parse(JSON.stringify(event)), {
        apiVersion: 'v1',
        kind: 'Event',
        type: 'Warning',
        reason: 'Failed',
        message: 'it broke',
        count: 1,
        ...c.want,
      });
    });
});

describe('EventRecorder', () => {
  it("posts the Event to its namespace's events, stamped with the injected clock, a fresh name each time", async () => {
    const sent: KubeRequest[] = [];
    const recorder = new EventRecorder({
      source: { component: 'kubelet', host: 'n1', instance: 'n1' },
      clock: new FakeClock(NOW),
      send: (request) => {
        sent.push(request);
        return Promise.resolve();
      },
    });
    const pod = { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'ns 1' };
    await recorder.record(pod, warning);
    await recorder.record(pod, warning);
    assert.deepEqual(
      sent.map((r) => [r.method, r.path]),
      [
        ['POST', '/api/v1/namespaces/ns%201/events'],
        ['POST', '/api/v1/namespaces/ns%201/events'],
      ],
    );
    const [a, b] = sent.map((r) => r.body as { metadata: { name: string }; firstTimestamp: string });
    assert.match(a?.metadata.name ?? '', /^web\.[0-9a-f]{16}$/);
    assert.notEqual(a?.metadata.name, b?.metadata.name);
    assert.equal(a?.firstTimestamp, '2026-01-02T03:04:05.678Z');
  });

  it('a failed post reaches the caller (the writer decides what to ignore)', async () => {
    const recorder = new EventRecorder({
      source: { component: 'x' },
      clock: new FakeClock(NOW),
      send: () => Promise.reject(new Error('refused')),
    });
    await assert.rejects(recorder.record({ apiVersion: 'v1', kind: 'Pod', name: 'p' }, warning), /refused/);
  });
});
