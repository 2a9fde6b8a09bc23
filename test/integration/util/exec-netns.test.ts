// Runs commands inside a throwaway network namespace: needs root and iproute2 (skips otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcessRunner, check } from '../../../src/util/exec.ts';

const runner = new ChildProcessRunner();

void test('netns runs the command inside the namespace via ip netns exec', async (t) => {
  const ns = `kovn-exec-${process.pid}`;
  const added = await runner.run('ip', ['netns', 'add', ns]).catch(() => undefined);
  if (added?.code !== 0) {
    t.skip(
      `needs root and iproute2 to create a network namespace: ${added?.stderr.trim() ?? 'ip not found'}`,
    );
    return;
  }
  try {
    const inside = await check(runner, 'ip', ['-o', 'link', 'show'], { netns: ns });
    assert.deepEqual(
      inside
        .trim()
        .split('\n')
        .map((l) => l.split(':')[1]?.trim()),
      ['lo'],
    );
    const r = await runner.run('sh', ['-c', 'exit 4'], { netns: ns });
    assert.equal(r.code, 4, 'exit code passes through ip netns exec');
  } finally {
    await runner.run('ip', ['netns', 'delete', ns]);
  }
});
