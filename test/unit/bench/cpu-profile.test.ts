// bench:lab's daemon profile summary (bench/cpu-profile.ts): self time per function and per file from V8's samples,
// idle left out, project paths made relative, node_modules paths shortened, largest first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarise } from '../../../bench/cpu-profile.ts';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe('summarise', () => {
  it('adds up each node self time and drops idle', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('spawn', '') },
        { id: 4, callFrame: frame('write', 'file:///repo/src/lab/kubelet/sandbox.ts', 57) },
        { id: 5, callFrame: frame('', 'file:///repo/node_modules/pino/lib/tools.js', 143) },
      ],
      samples: [2, 3, 3, 4, 5, 2, 3],
      timeDeltas: [5000, 1000, 1000, 500, 250, 5000, 1000],
      startTime: 0,
      endTime: 13_750,
    };
    const s = summarise(profile, '/repo/');
    assert.equal(s.totalMs, 3.75);
    assert.deepEqual(s.byFile, [
      { what: 'spawn', ms: 3 },
      { what: 'src/lab/kubelet/sandbox.ts', ms: 0.5 },
      { what: 'node_modules/pino/lib/tools.js', ms: 0.25 },
    ]);
    assert.deepEqual(s.byFunction[1], { what: 'write src/lab/kubelet/sandbox.ts:58', ms: 0.5 });
    assert.equal(s.byFunction[2]?.what, '(anonymous) node_modules/pino/lib/tools.js:144');
  });
});
