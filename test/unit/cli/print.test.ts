import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.ts';
import { alignColumns } from '../../../src/cli/print/columns.ts';
import { asList, formatObjects, toYaml } from '../../../src/cli/print/objects.ts';
import { cellText, fallbackTable, formatTable, type Table } from '../../../src/cli/print/table.ts';

describe('column layout (kubectl tabwriter: minwidth 6, padding 3)', () => {
  const cases: Array<[string, string[][], string[]]> = [
    [
      'pads to the widest cell + 3',
      [
        ['NAME', 'AGE'],
        ['test-vpc-1', '5s'],
      ],
      ['NAME         AGE', 'test-vpc-1   5s'],
    ],
    [
      'a narrow column is still 6 wide',
      [
        ['IP', 'X'],
        ['a', 'b'],
      ],
      ['IP    X', 'a     b'],
    ],
    [
      'the last cell is never padded',
      [
        ['A', ''],
        ['B', ''],
      ],
      ['A     ', 'B     '],
    ],
    [
      'empty cells keep their column',
      [
        ['NAME', 'VLAN', 'AGE'],
        ['net1', '', '2d'],
      ],
      ['NAME   VLAN   AGE', 'net1          2d'],
    ],
    [
      'counts characters, not bytes',
      [
        ['ŻÓŁW', 'X'],
        ['a', 'b'],
      ],
      ['ŻÓŁW   X', 'a      b'],
    ],
  ];
  for (const [name, rows, lines] of cases) it(name, () => assert.deepEqual(alignColumns(rows), lines));
});

describe('cells as Go prints them', () => {
  const cases: Array<[unknown, string]> = [
    [null, ''],
    [undefined, ''],
    ['text', 'text'],
    ['line1\nline2', 'line1...'],
    [3, '3'],
    [1.5, '1.5'],
    [true, 'true'],
    [['a', 'b'], '[a b]'],
    [{ b: 1, a: 'x' }, 'map[a:x b:1]'],
  ];
  for (const [cell, text] of cases)
    it(`${JSON.stringify(cell) ?? 'undefined'} -> ${JSON.stringify(text)}`, () =>
      assert.equal(cellText(cell), text));
});

describe('printing a server-side Table', () => {
  const table: Table = {
    kind: 'Table',
    columnDefinitions: [
      { name: 'Name', type: 'string', priority: 0 },
      { name: 'Ready', type: 'string', priority: 0 },
      { name: 'Age', type: 'string', priority: 0 },
      { name: 'Nominated Node', type: 'string', priority: 1 },
    ],
    rows: [
      { cells: ['a', '0/1', '5s', null], object: { metadata: { name: 'a', namespace: 'ns1' } } },
      {
        cells: ['bbbbbbbb', '1/1', '3m', 'n1'],
        object: { metadata: { name: 'bbbbbbbb', namespace: 'kube-system' } },
      },
    ],
  };
  const cases: Array<[string, { wide: boolean; withNamespace: boolean }, string[]]> = [
    [
      'priority 0 columns, upper-case headers',
      { wide: false, withNamespace: false },
      ['NAME       READY   AGE', 'a          0/1     5s', 'bbbbbbbb   1/1     3m'],
    ],
    [
      '-o wide adds the priority 1 columns',
      { wide: true, withNamespace: false },
      ['NAME       READY   AGE   NOMINATED NODE', 'a          0/1     5s    ', 'bbbbbbbb   1/1     3m    n1'],
    ],
    [
      '-A adds NAMESPACE first',
      { wide: false, withNamespace: true },
      [
        'NAMESPACE     NAME       READY   AGE',
        'ns1           a          0/1     5s',
        'kube-system   bbbbbbbb   1/1     3m',
      ],
    ],
  ];
  for (const [name, options, lines] of cases)
    it(name, () => assert.deepEqual(formatTable([table], options), lines));
  it('rows of several tables (several names) print as one table', () => {
    const one = { ...table, rows: table.rows.slice(0, 1) };
    const two = { ...table, rows: table.rows.slice(1) };
    assert.deepEqual(
      formatTable([one, two], { wide: false, withNamespace: false }),
      formatTable([table], { wide: false, withNamespace: false }),
    );
  });
});

describe('the NAME/AGE fallback for servers without tables (AGE as kubectl formats it)', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');
  const cases: Array<[string | undefined, string]> = [
    ['2026-01-09T23:59:55Z', '5s'],
    ['2026-01-09T23:58:01Z', '119s'],
    ['2026-01-09T23:58:00Z', '2m'],
    ['2026-01-09T23:57:00Z', '3m'],
    ['2026-01-09T23:54:30Z', '5m30s'],
    ['2026-01-09T21:00:00Z', '3h'],
    ['2026-01-09T19:30:00Z', '4h30m'],
    ['2026-01-08T00:00:00Z', '2d'],
    ['2026-01-06T22:00:00Z', '3d2h'],
    ['2025-11-01T00:00:00Z', '70d'],
    ['2027-01-01T00:00:00Z', '<invalid>'],
    [undefined, '<unknown>'],
  ];
  for (const [created, age] of cases) {
    it(`${created ?? 'no timestamp'} -> ${age}`, () => {
      const obj: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } };
      if (created) obj.metadata.creationTimestamp = created;
      const t = fallbackTable([obj], now);
      assert.deepEqual(formatTable([t], { wide: false, withNamespace: false }), [
        'NAME   AGE',
        `x      ${age}`,
      ]);
    });
  }
});

describe('-o yaml and -o json', () => {
  it('prints YAML as kubectl: sorted keys, flush sequences, go-yaml quoting', () => {
    const text = toYaml({
      spec: {
        excludeIps: ['10.0.1.1'],
        cidrBlock: '10.0.1.0/24',
        n: null,
        on: 'yes',
        colon: 'a: b',
        star: '*',
      },
      metadata: {
        resourceVersion: '10',
        creationTimestamp: '2026-11-25T03:53:06Z',
        annotations: { l: '{"a":1}\n' },
      },
      apiVersion: 'kubeovn.io/v1',
    });
    assert.equal(
      text,
      [
        'apiVersion: kubeovn.io/v1',
        'metadata:',
        '  annotations:',
        '    l: |',
        '      {"a":1}',
        '  creationTimestamp: "2026-11-25T03:53:06Z"',
        '  resourceVersion: "10"',
        'spec:',
        '  cidrBlock: 10.0.1.0/24',
        "  colon: 'a: b'",
        '  excludeIps:',
        '  - 10.0.1.1',
        '  "n": null',
        '  "on": "yes"',
        "  star: '*'",
        '',
      ].join('\n'),
    );
  });
  it('wraps several objects in a List and prints JSON with four spaces', () => {
    const list = asList([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }]);
    assert.equal(
      formatObjects(list, 'json'),
      '{\n    "apiVersion": "v1",\n    "items": [\n        {\n            "apiVersion": "v1",\n            "kind": "Namespace",\n            "metadata": {\n                "name": "a"\n            }\n        }\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
    );
    assert.equal(
      formatObjects(asList([]), 'yaml'),
      'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
  });
});
