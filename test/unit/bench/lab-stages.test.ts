// bench:lab's pod stages (bench/lab-stages.ts): what a Pod object and a node agent log line say, the earliest
// sighting winning, percentiles, and the stage table ordered by p50 with its gaps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import {
  agentLogMark,
  percentile,
  podStages,
  stageRows,
  StageTimes,
  type Stage,
} from '../../../bench/lab-stages.ts';

const pod = (extra: { nodeName?: string; routed?: string; ready?: string }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'default',
    ...(extra.routed === undefined ? {} : { annotations: { 'ovn.kubernetes.io/routed': extra.routed } }),
  },
  spec: extra.nodeName === undefined ? {} : { nodeName: extra.nodeName },
  ...(extra.ready === undefined ? {} : { status: { conditions: [{ type: 'Ready', status: extra.ready }] } }),
});

describe('podStages', () => {
  const cases: { name: string; pod: KubeObject; stages: Stage[] }[] = [
    { name: 'just created', pod: pod({}), stages: [] },
    { name: 'bound to a node', pod: pod({ nodeName: 'n1' }), stages: ['scheduled'] },
    { name: 'routed but not "true"', pod: pod({ nodeName: 'n1', routed: 'false' }), stages: ['scheduled'] },
    {
      name: 'annotated, not ready',
      pod: pod({ nodeName: 'n1', routed: 'true', ready: 'False' }),
      stages: ['scheduled', 'annotated'],
    },
    {
      name: 'ready',
      pod: pod({ nodeName: 'n1', routed: 'true', ready: 'True' }),
      stages: ['scheduled', 'annotated', 'ready'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(podStages(c.pod), c.stages));
});

describe('agentLogMark', () => {
  const line = (o: object) => JSON.stringify({ level: 30, component: 'kovn-node-agent', ...o });
  const cases = [
    {
      name: 'ADD started',
      line: line({ time: 1000, pod: 'default/burst-1', msg: 'CNI ADD started' }),
      mark: { stage: 'cniAddStarted', pod: 'burst-1', at: 1000 },
    },
    {
      name: 'ADD finished',
      line: line({ time: 2500, pod: 'default/burst-1', msg: 'CNI ADD finished' }),
      mark: { stage: 'cniAddFinished', pod: 'burst-1', at: 2500 },
    },
    {
      name: 'another message',
      line: line({ time: 1, pod: 'default/a', msg: 'NIC plugged' }),
      mark: undefined,
    },
    {
      name: 'another namespace',
      line: line({ time: 1, pod: 'kube-system/a', msg: 'CNI ADD started' }),
      mark: undefined,
    },
    { name: 'no time', line: line({ pod: 'default/a', msg: 'CNI ADD started' }), mark: undefined },
    { name: 'not JSON', line: 'panic: oops', mark: undefined },
    { name: 'empty', line: '', mark: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(agentLogMark(c.line, 'default'), c.mark));
});

describe('percentile', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const cases = [
    { values: ten, p: 50, want: 5 },
    { values: ten, p: 90, want: 9 },
    { values: ten, p: 99, want: 10 },
    { values: ten, p: 0, want: 1 },
    { values: [7], p: 99, want: 7 },
  ];
  for (const c of cases)
    it(`p${c.p} of ${c.values.length}`, () => assert.equal(percentile(c.values, c.p), c.want));
  it('refuses no values', () => assert.throws(() => percentile([], 50)));
});

describe('StageTimes and stageRows', () => {
  it('keeps the earliest sighting', () => {
    const t = new StageTimes();
    t.mark('ready', 'a', 500);
    t.mark('ready', 'a', 300);
    t.mark('ready', 'a', 900);
    assert.equal(t.get('ready', 'a'), 300);
    assert.equal(t.get('scheduled', 'a'), undefined);
  });

  it('orders stages by p50, gaps from the previous p50, counts pods seen, ignores other pods', () => {
    const created = new Map([
      ['a', 1000],
      ['b', 2000],
    ]);
    const t = new StageTimes();
    for (const [name, at] of created) {
      t.mark('scheduled', name, at + 10);
      t.mark('cniAddStarted', name, at + 20); // before the annotation: the agent waits for it
      t.mark('annotated', name, at + 50);
      t.mark('ready', name, at + 400);
    }
    t.mark('routed', 'a', 1000 + 900);
    t.mark('ready', 'other', 0);
    assert.deepEqual(stageRows(t, created), [
      { stage: 'scheduled', pods: 2, p50: 10, p99: 10, gapP50: 10 },
      { stage: 'cniAddStarted', pods: 2, p50: 20, p99: 20, gapP50: 10 },
      { stage: 'annotated', pods: 2, p50: 50, p99: 50, gapP50: 30 },
      { stage: 'ready', pods: 2, p50: 400, p99: 400, gapP50: 350 },
      { stage: 'routed', pods: 1, p50: 900, p99: 900, gapP50: 500 },
    ]);
  });

  it('spreads p50 and p99 over the pods', () => {
    const created = new Map(Array.from({ length: 100 }, (_, i) => [`p${i}`, 0] as const));
    const t = new StageTimes();
    for (const [name] of created) t.mark('portUp', name, Number(name.slice(1)) + 1);
    assert.deepEqual(stageRows(t, created), [{ stage: 'portUp', pods: 100, p50: 50, p99: 99, gapP50: 50 }]);
  });
});
