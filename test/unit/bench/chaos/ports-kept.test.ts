// The chaos check "flow pods' NB ports kept" (bench/chaos/checks.ts portsKept): the same uuids pass; a port
// re-created, gone, or never found before the storm fails, named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portsKept } from '../../../../bench/chaos/checks.ts';

const names = ['flow-a.chaos-flow', 'flow-b.chaos-flow'];
const m = (a?: string, b?: string) =>
  new Map([...(a ? [[names[0]!, a] as const] : []), ...(b ? [[names[1]!, b] as const] : [])]);

test('portsKept, case by case', () => {
  const cases: [Map<string, string>, Map<string, string>, string[]][] = [
    [m('u1', 'u2'), m('u1', 'u2'), []],
    [m('u1', 'u2'), m('u1', 'u3'), ['flow-b.chaos-flow: re-created (u2 -> u3)']],
    [m('u1', 'u2'), m(undefined, 'u2'), ['flow-a.chaos-flow: gone']],
    [m(undefined, 'u2'), m(undefined, 'u2'), ['flow-a.chaos-flow: not in NB before the storm']],
  ];
  for (const [before, after, want] of cases) assert.deepEqual(portsKept(names, before, after).failures, want);
});
