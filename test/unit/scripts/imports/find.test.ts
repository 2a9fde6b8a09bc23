import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findImports, resolveRelative } from '../../../../scripts/imports/find.ts';

void test('every import form is found, with its line, type-only ones included', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from '../b/b.ts';",
    "import { type C, d } from './c.ts';",
    "export { e } from './e.ts';",
    "export type { F } from './f.ts';",
    "export * from './g.ts';",
    "import './side-effect.ts';",
    "import h = require('./h.ts');",
    "const i = await import('./i.ts');",
    "type J = import('./j.ts').J;",
    "import { readFileSync } from 'node:fs';",
    'const k = await import(`./k.ts`);',
    'const notAnImport = "import x from \'./nope.ts\'";',
    "// import { y } from './comment.ts';",
  ].join('\n');
  assert.deepEqual(
    findImports('src/x/x.ts', text).map((i) => `${i.line} ${i.specifier}`),
    [
      '1 ./a.ts',
      '2 ../b/b.ts',
      '3 ./c.ts',
      '4 ./e.ts',
      '5 ./f.ts',
      '6 ./g.ts',
      '7 ./side-effect.ts',
      '8 ./h.ts',
      '9 ./i.ts',
      '10 ./j.ts',
      '11 node:fs',
      '12 ./k.ts',
    ],
  );
});

void test('an import computed at run time names no file and is not reported', () => {
  assert.deepEqual(findImports('src/x.ts', 'const m = await import(name);'), []);
});

void test('relative specifiers resolve to repository paths; package specifiers do not', () => {
  const table: [from: string, specifier: string, expected: string | undefined][] = [
    ['src/lab/daemon.ts', '../kube/request.ts', 'src/kube/request.ts'],
    ['src/lab/kubelet/pod.ts', './probes.ts', 'src/lab/kubelet/probes.ts'],
    ['src/lab/kubelet/pod.ts', '../../../test/support/objects.ts', 'test/support/objects.ts'],
    ['src/a/b.ts', './c/../d.ts', 'src/a/d.ts'],
    ['src/lab/daemon.ts', 'node:fs', undefined],
    ['src/lab/daemon.ts', 'pino', undefined],
    ['src/lab/daemon.ts', '@kubernetes/client-node', undefined],
  ];
  for (const [from, specifier, expected] of table)
    assert.equal(resolveRelative(from, specifier), expected, `${from} + ${specifier}`);
});
