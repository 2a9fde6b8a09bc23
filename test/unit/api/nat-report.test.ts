// The gateway agent's kovn.io/nat-applied report: one reader for the agent and the controller, table by table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNatReport, readNatReport } from '../../../src/api/nat-report.ts';
import { appliedVerdict } from '../../../src/controller/reconcilers/natgw/applied.ts';

void test('a value is a report only with a numeric generation and a rules object', () => {
  const cases: [string, string | undefined, unknown][] = [
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['not JSON', '{generation', undefined],
    ['not an object', '3', undefined],
    ['no generation', '{"rules":{}}', undefined],
    ['a string generation', '{"generation":"3","rules":{}}', undefined],
    ['rules null', '{"generation":1,"rules":null}', undefined],
    ['empty rules', '{"generation":1,"rules":{}}', { generation: 1, rules: {} }],
    [
      'entries normalised',
      '{"generation":2,"rules":{"dnat/a":{"ok":true,"x":1},"snat/b":{"ok":false,"reason":"bad"},"fip/c":{"ok":"yes"},"eip/d":5}}',
      {
        generation: 2,
        rules: {
          'dnat/a': { ok: true },
          'snat/b': { ok: false, reason: 'bad' },
          'fip/c': { ok: false, reason: '' },
        },
      },
    ],
  ];
  for (const [name, text, want] of cases) assert.deepEqual(parseNatReport(text), want, name);
});

void test('no report for the agent (which then writes generation 1) is a pending verdict for the controller', () => {
  for (const text of [
    '{"rules":{"dnat/a":{"ok":true}}}',
    '{"generation":4,"rules":{"dnat/a":{"ok":true}}}',
  ]) {
    const annotations = { 'kovn.io/nat-applied': text };
    const agent = readNatReport(annotations);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-0', annotations } };
    const verdict = appliedVerdict(pod, 'dnat/a', 'gw-0');
    // No report for the agent (it will write generation 1) means no report for the controller (pending), and back.
    assert.equal(verdict.state === 'pending', agent === undefined, text);
  }
});
