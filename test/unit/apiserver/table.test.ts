import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.ts';
import { jsonPath } from '../../../src/apiserver/jsonpath.ts';
import { humanDuration } from '../../../src/apiserver/duration.ts';
import { builtinResources } from '../../../src/apiserver/resources/builtin.ts';
import { customResource } from '../../../src/apiserver/resources/served.ts';
import { toTable } from '../../../src/apiserver/table.ts';
import { widgetType } from '../../integration/apiserver/helpers.ts';

describe('JSONPath', () => {
  const doc = {
    spec: {
      list: [
        { name: 'a', v: 1 },
        { name: 'b', v: 2 },
      ],
      'dotted.key': 'd',
    },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
  it('evaluates fields, indices, wildcards, filters and quoted keys', () => {
    assert.deepEqual(jsonPath('.spec.list[1].name', doc), ['b']);
    assert.deepEqual(jsonPath('.spec.list[-1].v', doc), [2]);
    assert.deepEqual(jsonPath('.spec.list[*].name', doc), ['a', 'b']);
    assert.deepEqual(jsonPath('{.status.conditions[?(@.type=="Ready")].status}', doc), ['True']);
    assert.deepEqual(jsonPath(".spec['dotted.key']", doc), ['d']);
    assert.deepEqual(jsonPath('.spec.missing.deeper', doc), []);
  });
});

describe('human durations (kubectl AGE)', () => {
  const s = 1000;
  const cases: Array<[number, string]> = [
    [-5 * s, '<invalid>'],
    [0, '0s'],
    [119 * s, '119s'],
    [150 * s, '2m30s'],
    [600 * s, '10m'],
    [3 * 3600 * s, '3h'],
    [3 * 3600 * s + 60 * s, '3h1m'],
    [30 * 3600 * s, '30h'],
    [3 * 86400 * s + 3600 * s, '3d1h'],
    [100 * 86400 * s, '100d'],
    [3 * 365 * 86400 * s, '3y'],
    [9 * 365 * 86400 * s, '9y'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms -> ${text}`, () => assert.equal(humanDuration(ms), text));
});

describe('tables', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  it('evaluates CRD printer columns with Name first and ages for date columns', () => {
    const r = customResource(widgetType, undefined);
    const w: KubeObject = {
      apiVersion: 'test.kovn.io/v1',
      kind: 'Widget',
      metadata: { name: 'w', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { size: 2.7, tags: ['x'] },
    };
    const table = toTable(r, [w], {
      now,
      includeObject: 'Object',
      apiVersion: 'meta.k8s.io/v1',
      listMeta: { resourceVersion: '7' },
    });
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.type, c.priority]),
      [
        ['Name', 'string', 0],
        ['Size', 'integer', 0],
        ['Phase', 'string', 0],
        ['Tags', 'string', 1],
        ['Age', 'date', 0],
      ],
    );
    assert.deepEqual(table.rows[0]?.cells, ['w', 2, null, '["x"]', '10m']);
    assert.equal(table.rows[0]?.object, w);
  });

  it('computes built-in cells (pod READY/STATUS/RESTARTS, node STATUS/ROLES, service PORT(S))', () => {
    const byKind = new Map(builtinResources().map((r) => [r.type.kind, r]));
    const cells = (kind: string, o: Record<string, unknown>): unknown[] =>
      toTable(
        byKind.get(kind)!,
        [
          {
            apiVersion: 'v1',
            kind,
            metadata: { name: 'n', creationTimestamp: '2026-01-01T00:00:00Z' },
            ...o,
          },
        ],
        { now, includeObject: 'None', apiVersion: 'meta.k8s.io/v1', listMeta: { resourceVersion: '1' } },
      ).rows[0]?.cells ?? [];
    assert.deepEqual(
      cells('Pod', {
        spec: { nodeName: 'n1', containers: [{}, {}] },
        status: {
          phase: 'Running',
          podIP: '10.0.0.5',
          containerStatuses: [
            { ready: true, restartCount: 2 },
            { ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ],
        },
      }),
      ['n', '1/2', 'CrashLoopBackOff', 3, '10m', '10.0.0.5', 'n1', '<none>', '<none>'],
    );
    assert.deepEqual(
      cells('Node', {
        metadata: {
          name: 'n',
          creationTimestamp: '2026-01-01T00:00:00Z',
          labels: { 'node-role.kubernetes.io/control-plane': '' },
        },
        spec: { unschedulable: true },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      }).slice(0, 3),
      ['n', 'Ready,SchedulingDisabled', 'control-plane'],
    );
    assert.deepEqual(
      cells('Service', {
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.10',
          ports: [
            { port: 80, nodePort: 30080, protocol: 'TCP' },
            { port: 53, protocol: 'UDP' },
          ],
          selector: { app: 'x' },
        },
      }),
      ['n', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '10m', 'app=x'],
    );
  });
});
