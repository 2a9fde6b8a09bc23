// Which namespaces a sweep deletes, with a runner that answers `ip netns list | pids | delete` from a table (no
// root, nothing real): only names the lab owns, recorded or not; recorded ones already gone reported as gone;
// with `keep`, one namespace holding a process keeps them all; a refused delete is an error, not a deletion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labLayout } from '../../../../src/lab/layout.ts';
import { sweepNamespaces, type StrayPolicy } from '../../../../src/lab/process/netns-sweep.ts';
import type { ProcessRunner, RunResult } from '../../../../src/util/exec.ts';

/** `ip netns` as a table: namespace -> pids inside; names in `undeletable` fail to delete. */
function netnsRunner(
  table: Record<string, number[]>,
  undeletable: string[] = [],
): { runner: ProcessRunner; deleted: string[] } {
  const deleted: string[] = [];
  const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '' });
  const runner: ProcessRunner = {
    run: (_cmd, args) => {
      const [, verb, name = ''] = args;
      if (verb === 'list') return Promise.resolve(ok(Object.keys(table).join('\n')));
      if (verb === 'pids') return Promise.resolve(ok((table[name] ?? []).join('\n')));
      if (undeletable.includes(name)) return Promise.resolve({ code: 1, stdout: '', stderr: 'Device busy' });
      deleted.push(name);
      return Promise.resolve(ok());
    },
    spawn: () => Promise.reject(new Error('no spawning in this test')),
  };
  return { runner, deleted };
}

const layout = labLayout('/h', 'k1');
const owns = (n: string) => layout.owns(n);

void test('a sweep deletes the namespaces the lab owns, and keeps them all when one holds a process', async () => {
  const cases: {
    name: string;
    table: Record<string, number[]>;
    recorded: string[];
    strays: StrayPolicy;
    undeletable?: string[];
    want: { deleted: string[]; gone: string[]; busy: string[]; errors: number };
  }[] = [
    {
      name: 'idle: every owned name, recorded or not; others untouched',
      table: { 'k1-ul': [], 'k1-n-a': [], 'k1-x-ext': [], 'k2-ul': [], 'k1-other': [], host: [] },
      recorded: ['k1-ul', 'k1-n-gone'],
      strays: 'keep',
      want: { deleted: ['k1-ul', 'k1-n-a', 'k1-x-ext'], gone: ['k1-n-gone'], busy: [], errors: 0 },
    },
    {
      name: 'keep: a process in one keeps every namespace of the id',
      table: { 'k1-ul': [], 'k1-n-a': [4242], 'k2-n-a': [7] },
      recorded: [],
      strays: 'keep',
      want: { deleted: [], gone: [], busy: ['k1-n-a'], errors: 0 },
    },
    {
      name: 'kill with nothing inside deletes as keep does',
      table: { 'k1-ul': [], 'k1-p-ns.pod': [] },
      recorded: ['k1-ul'],
      strays: 'kill',
      want: { deleted: ['k1-ul', 'k1-p-ns.pod'], gone: [], busy: [], errors: 0 },
    },
    {
      name: 'a refused delete is an error',
      table: { 'k1-ul': [], 'k1-n-a': [] },
      recorded: [],
      strays: 'keep',
      undeletable: ['k1-n-a'],
      want: { deleted: ['k1-ul'], gone: [], busy: [], errors: 1 },
    },
  ];
  for (const c of cases) {
    const { runner, deleted } = netnsRunner(c.table, c.undeletable);
    const r = await sweepNamespaces(runner, owns, c.recorded, c.strays);
    assert.deepEqual(r.deleted, c.want.deleted, c.name);
    assert.deepEqual(deleted, c.want.deleted, `${c.name}: ip netns delete calls`);
    assert.deepEqual(r.gone, c.want.gone, c.name);
    assert.deepEqual(
      r.busy.map((b) => b.netns),
      c.want.busy,
      c.name,
    );
    assert.equal(r.errors.length, c.want.errors, c.name);
    assert.deepEqual(r.killed, [], c.name);
  }
});
