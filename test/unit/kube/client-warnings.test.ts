// The Warning header texts the client hands to `onWarning` (kube-apiserver's `299 - "text"`), table by table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warningTexts } from '../../../src/kube/client.ts';

void test('warning header values become their texts; quotes and backslashes unescaped; other shapes kept', () => {
  const cases: [value: string, text: string][] = [
    ['299 - "spec.x: 30000 is below 31000"', 'spec.x: 30000 is below 31000'],
    ['299 - "a \\"quoted\\" word"', 'a "quoted" word'],
    ['299 - "back\\\\slash"', 'back\\slash'],
    ['299 kube-apiserver "agent named"', 'agent named'],
    ['no code here', 'no code here'],
  ];
  for (const [value, text] of cases) assert.deepEqual(warningTexts([value]), [text], value);
  assert.deepEqual(warningTexts([]), []);
});
