// What kovn up and kovn down --id say about leftovers: why a lab counts as alive, the refusal naming a live lab
// and the command that stops it (the other-id advice only for up), the refusal naming namespaces with processes
// nobody recorded and `kovn down --id`, long lists cut short, and the summary of what was removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aliveBecause,
  heldByLiveLab,
  listSome,
  removedLine,
  unrecordedProcesses,
} from '../../../../src/lab/process/leftover-messages.ts';
import type { LabLiveness } from '../../../../src/lab/process/liveness.ts';

const proc = (pid: number, command: string, component?: string) => ({
  pid,
  startTime: '1',
  command,
  ...(component ? { component } : {}),
});

void test('why a lab is alive', () => {
  const cases: [LabLiveness, string][] = [
    [{ home: '/a', daemon: 7, running: [proc(8, 'ovsdb-server')] }, 'its daemon runs, pid 7'],
    [
      { home: '/a', running: [proc(8, 'ovsdb-server', 'a/ovsdb-server'), proc(9, 'sleep')] },
      'processes it recorded still run: pid 8 a/ovsdb-server, pid 9 sleep',
    ],
    [{ home: '/a', running: [] }, 'it holds the id'],
  ];
  for (const [liveness, want] of cases) assert.equal(aliveBecause(liveness), want);
});

void test('a live lab holding the id is named with the command that stops it', () => {
  const holder: LabLiveness = { home: '/labs/a', daemon: 42, running: [] };
  const up = heldByLiveLab({ id: 'kovn', holder, namespaces: ['kovn-ul', 'kovn-n-a'], starting: '/labs/b' });
  assert.equal(
    up,
    [
      'lab id kovn is in use by the lab in /labs/a (its daemon runs, pid 42); its namespaces (kovn-ul, kovn-n-a) were not touched.',
      '  stop that lab:               KOVN_HOME=/labs/a kovn down',
      '  or give this lab another id: kovn down && kovn up --id ID   (kovn down removes /labs/b)',
    ].join('\n'),
  );
  const down = heldByLiveLab({ id: 'kovn', holder, namespaces: [] });
  assert.equal(
    down,
    [
      'lab id kovn is in use by the lab in /labs/a (its daemon runs, pid 42).',
      '  stop that lab:               KOVN_HOME=/labs/a kovn down',
    ].join('\n'),
  );
});

void test('namespaces with unrecorded processes are named with kovn down --id', () => {
  const message = unrecordedProcesses('t1', [
    { netns: 't1-n-a', processes: [{ pid: 5, command: 'sleep 600' }] },
    {
      netns: 't1-p-ns.pod',
      processes: [
        { pid: 6, command: 'x' },
        { pid: 7, command: 'y' },
      ],
    },
  ]);
  assert.match(message, /t1-n-a \(pid 5 sleep 600\); t1-p-ns\.pod \(pid 6 x, pid 7 y\)/);
  assert.match(message, /None of lab t1's namespaces was removed/);
  assert.match(message, /kovn down --id t1 {3}\(kills those processes and deletes the namespaces\)/);
});

void test('lists and summaries', () => {
  const cases: [string[], number, string][] = [
    [[], 3, ''],
    [['a', 'b'], 3, 'a, b'],
    [['a', 'b', 'c'], 3, 'a, b, c'],
    [['a', 'b', 'c', 'd', 'e'], 3, 'a, b, c and 2 more'],
  ];
  for (const [items, max, want] of cases) assert.equal(listSome(items, max), want);
  assert.equal(removedLine({ whose: 'x', processes: 0, namespaces: 0 }), undefined);
  assert.equal(
    removedLine({ whose: 'a dead lab in /a', processes: 1, namespaces: 1 }),
    'removed the leftovers of a dead lab in /a: 1 process, 1 namespace',
  );
  assert.equal(
    removedLine({ whose: 'an earlier run', processes: 3, namespaces: 0 }),
    'removed the leftovers of an earlier run: 3 processes, 0 namespaces',
  );
});
