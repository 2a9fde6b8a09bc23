import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTangles, type Graph } from '../../../../scripts/imports/cycles.ts';

const graph = (edges: string): Graph => {
  const g = new Map<string, Set<string>>();
  for (const edge of edges.split(/\s+/).filter(Boolean)) {
    const [from = '', to = ''] = edge.split('>');
    g.set(from, (g.get(from) ?? new Set()).add(to));
  }
  return g;
};

void test('cycles are found as components, each shown by its shortest cycle', () => {
  const table: [name: string, edges: string, expected: { members: string[]; cycle: string[] }[]][] = [
    ['a chain has none', 'a>b b>c c>d', []],
    ['a diamond has none', 'a>b a>c b>d c>d', []],
    ['two files importing each other', 'a>b b>a', [{ members: ['a', 'b'], cycle: ['a', 'b', 'a'] }]],
    ['a file importing itself', 'a>a b>a', [{ members: ['a'], cycle: ['a', 'a'] }]],
    [
      'a ring of three with a chord: the short way round',
      'a>b b>c c>a a>c x>a',
      [{ members: ['a', 'b', 'c'], cycle: ['a', 'c', 'a'] }],
    ],
    [
      'two separate tangles, sorted',
      'q>p p>q b>a a>b a>q',
      [
        { members: ['a', 'b'], cycle: ['a', 'b', 'a'] },
        { members: ['p', 'q'], cycle: ['p', 'q', 'p'] },
      ],
    ],
    [
      'a long ring',
      'e>a a>b b>c c>d d>e',
      [{ members: ['a', 'b', 'c', 'd', 'e'], cycle: ['a', 'b', 'c', 'd', 'e', 'a'] }],
    ],
  ];
  for (const [name, edges, expected] of table) assert.deepEqual(findTangles(graph(edges)), expected, name);
});

void test('a deep chain does not exhaust the stack', () => {
  const g = new Map<string, Set<string>>();
  for (let i = 0; i < 20_000; i++) g.set(`n${i}`, new Set([`n${i + 1}`]));
  g.set('n20000', new Set(['n0']));
  const [tangle] = findTangles(g);
  assert.equal(tangle?.members.length, 20_001);
  assert.equal(tangle?.cycle.length, 20_002);
});
