import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerImporters, layers } from '../../../../scripts/imports/layers.ts';
import {
  checkImports,
  folderOf,
  layerTableProblems,
  type ImportEdge,
  type ImportRules,
} from '../../../../scripts/imports/rules.ts';

const rules: ImportRules = {
  layers: {
    util: [],
    api: ['util'],
    kube: ['api', 'util'],
    controller: ['api', 'kube'],
    lab: ['kube'],
    cli: ['controller', 'lab'],
  },
  controllerImporters: ['cli'],
};

/** `src/lab/a.ts:3>src/kube/b.ts` per edge. */
const edges = (...list: string[]): ImportEdge[] =>
  list.map((e) => {
    const [from = '', to = ''] = e.split('>');
    const [file = '', line = '1'] = from.split(':');
    return { from: file, to, line: Number(line) };
  });
const filesOf = (list: ImportEdge[]): string[] =>
  [...new Set(list.flatMap((e) => [e.from, e.to]))].filter((f) => f.startsWith('src/'));
const check = (list: ImportEdge[], files = filesOf(list)) => checkImports(files, list, rules);

void test('folderOf names the top-level folder of src/, nothing outside it', () => {
  assert.equal(folderOf('src/lab/kubelet/pod.ts'), 'lab');
  assert.equal(folderOf('src/util/clock.ts'), 'util');
  assert.equal(folderOf('test/support/objects.ts'), undefined);
  assert.equal(folderOf('scripts/check-imports.ts'), undefined);
});

void test('a graph that keeps every rule has no problems', () => {
  const ok = edges(
    'src/cli/main.ts:2>src/controller/process.ts',
    'src/cli/main.ts:3>src/lab/daemon.ts',
    'src/lab/daemon.ts:5>src/kube/request.ts',
    'src/lab/daemon.ts:6>src/lab/status.ts',
    'src/lab/status.ts:1>src/lab/layout.ts',
    'src/controller/process.ts:1>src/kube/manager.ts',
    'src/kube/manager.ts:1>src/util/clock.ts',
  );
  assert.deepEqual(check(ok), []);
});

void test('each broken rule is reported once, in words that say where and why', () => {
  const table: [name: string, graph: ImportEdge[], expected: string[]][] = [
    [
      'a file cycle inside one folder',
      edges('src/kube/a.ts:1>src/kube/b.ts', 'src/kube/b.ts:4>src/kube/a.ts'),
      ['file cycle: src/kube/a.ts -> src/kube/b.ts -> src/kube/a.ts'],
    ],
    [
      'a file cycle of three that the shortest cycle does not cover',
      edges(
        'src/kube/a.ts>src/kube/b.ts',
        'src/kube/b.ts>src/kube/a.ts',
        'src/kube/b.ts>src/kube/c.ts',
        'src/kube/c.ts>src/kube/b.ts',
      ),
      [
        'file cycle: src/kube/a.ts -> src/kube/b.ts -> src/kube/a.ts (3 files import each other in all: src/kube/a.ts, src/kube/b.ts, src/kube/c.ts)',
      ],
    ],
    [
      'a folder cycle without a file cycle (also a layer break)',
      edges('src/api/a.ts:7>src/kube/x.ts', 'src/kube/y.ts:9>src/api/b.ts'),
      [
        'folder cycle: api -> kube -> api (src/api/a.ts:7 imports src/kube/x.ts; src/kube/y.ts:9 imports src/api/b.ts)',
        'layer: src/api may not import src/kube (it may import: util): src/api/a.ts:7',
      ],
    ],
    [
      'the lab importing the controller',
      edges('src/lab/pod.ts:12>src/controller/nb/vpc.ts'),
      [
        'src/lab/pod.ts:12 imports src/controller/nb/vpc.ts: only src/cli may import src/controller (it is a program, not a library)',
      ],
    ],
    [
      'src/ importing a test double',
      edges('src/lab/pod.ts:3>test/support/informer-memory.ts'),
      [
        'src/lab/pod.ts:3 imports test/support/informer-memory.ts: src/ must not import test/ (tests hand their doubles in)',
      ],
    ],
    [
      'src/ importing a script',
      edges('src/lab/pod.ts:3>scripts/imports/find.ts'),
      ['src/lab/pod.ts:3 imports scripts/imports/find.ts: src/ imports nothing outside src/'],
    ],
    [
      'imports the layer table does not allow, grouped by folder pair',
      edges('src/util/a.ts:2>src/api/x.ts', 'src/util/b.ts:5>src/api/y.ts', 'src/lab/c.ts:8>src/api/z.ts'),
      [
        'layer: src/lab may not import src/api (it may import: kube): src/lab/c.ts:8',
        'layer: src/util may not import src/api (it may import: nothing): src/util/a.ts:2, src/util/b.ts:5',
      ],
    ],
    [
      'a folder with no row in the table',
      edges('src/newthing/a.ts:1>src/util/clock.ts'),
      ['src/newthing is not in the layer table: give it a row'],
    ],
  ];
  for (const [name, graph, expected] of table)
    assert.deepEqual(
      check(graph).map((v) => v.message),
      expected,
      name,
    );
});

void test('the layer table is checked for cycles and for folders without a row', () => {
  assert.deepEqual(
    layerTableProblems({ a: ['b'], b: ['c'], c: ['a'], d: ['e'] }).map((v) => v.message),
    ['layer table: d lists e, which has no row', 'layer table: cycle a -> b -> c -> a'],
  );
});

void test("the project's own layer table is layered and keeps the controller to the command line", () => {
  assert.deepEqual(layerTableProblems(layers), []);
  assert.deepEqual(controllerImporters, ['cli']);
  for (const [folder, allowed] of Object.entries(layers))
    if (folder !== 'cli') assert.ok(!(allowed as readonly string[]).includes('controller'), folder);
});
