// The exec probe's pure parts: kubelet's $(VAR) expansion, the command's environment, and the result from an exit
// code and output (kubelet's wording and its 10 KiB limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import {
  MAX_EXEC_OUTPUT,
  execEnv,
  execResult,
  expandCommand,
  literalEnv,
} from '../../../../src/lab/kubelet/probe-exec.ts';

void test('$(VAR) expands from the container env; $$ escapes; unknown and incomplete references stay', () => {
  const env = new Map([
    ['PORT', '8080'],
    ['EMPTY', ''],
  ]);
  const cases: [string, string][] = [
    ['$(PORT)', '8080'],
    ['http://localhost:$(PORT)/healthz', 'http://localhost:8080/healthz'],
    ['$(EMPTY)x', 'x'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(PORT)', '$(PORT)'],
    ['$$', '$'],
    ['$PORT', '$PORT'],
    ['cost $5', 'cost $5'],
    ['$(PORT', '$(PORT'],
    ['$()', '$()'],
    ['tail$', 'tail$'],
    ['$(PORT)$(PORT)', '80808080'],
  ];
  for (const [arg, want] of cases) assert.deepEqual(expandCommand([arg], env), [want], arg);
});

void test('the env: literal values by name (valueFrom empty, a later entry wins), over PATH and HOSTNAME', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'ns1' },
    spec: {
      containers: [
        { name: 'other', env: [{ name: 'A', value: 'no' }] },
        {
          name: 'web',
          env: [
            { name: 'A', value: '1' },
            { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
            { name: 'A', value: '2' },
            { value: 'nameless' },
          ],
        },
      ],
    },
  } as KubeObject;
  const env = literalEnv(pod, 'web');
  assert.deepEqual(
    [...env],
    [
      ['A', '2'],
      ['SECRET', ''],
    ],
  );
  assert.deepEqual(execEnv('web-0', env), {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: 'web-0',
    A: '2',
    SECRET: '',
  });
  assert.deepEqual([...literalEnv(pod, 'absent')], []);
});

void test('exit 0 passes, any other exit fails with stdout then stderr; a timeout says so as kubelet does', () => {
  const cases: [Parameters<typeof execResult>[1], boolean, string][] = [
    [{ code: 0, stdout: '', stderr: '' }, true, ''],
    [{ code: 0, stdout: 'ok\n', stderr: 'warn\n' }, true, 'ok\nwarn\n'],
    [{ code: 3, stdout: '', stderr: '' }, false, ''],
    [{ code: 1, stdout: 'out\n', stderr: 'err\n' }, false, 'out\nerr\n'],
    [{ code: 137, stdout: '', stderr: '' }, false, ''],
    [undefined, false, 'command "sh -c sleep 10" timed out'],
  ];
  for (const [result, ok, message] of cases)
    assert.deepEqual(execResult(['sh', '-c', 'sleep 10'], result), { ok, message }, JSON.stringify(result));
  const long = execResult(['x'], { code: 1, stdout: 'a'.repeat(MAX_EXEC_OUTPUT), stderr: 'b'.repeat(10) });
  assert.equal(long.message, 'a'.repeat(MAX_EXEC_OUTPUT), 'at most 10 KiB, stdout first');
  assert.equal(
    execResult(['sh', '-c', 'echo "x"'], undefined).message,
    'command "sh -c echo \\"x\\"" timed out',
  );
});
