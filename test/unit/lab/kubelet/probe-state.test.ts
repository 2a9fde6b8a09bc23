// kubelet's probe thresholds: the result flips only after a run of equal outcomes reaches the threshold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  containerState,
  initialState,
  killingMessage,
  kills,
  observe,
  unhealthyMessage,
} from '../../../../src/lab/kubelet/probe-state.ts';

void test('initial results: readiness and startup fail until a probe passes, liveness passes until one fails', () => {
  assert.equal(initialState('readiness').result, false);
  assert.equal(initialState('startup').result, false);
  assert.equal(initialState('liveness').result, true);
});

void test('runs of outcomes against the thresholds', () => {
  const cases: { kind: 'readiness' | 'liveness'; s: number; f: number; outcomes: string; results: string }[] =
    [
      { kind: 'readiness', s: 1, f: 3, outcomes: 'ok', results: 'T' },
      { kind: 'readiness', s: 2, f: 3, outcomes: 'ok ok', results: 'FT' },
      { kind: 'readiness', s: 2, f: 3, outcomes: 'ok no ok ok', results: 'FFFT' },
      { kind: 'readiness', s: 1, f: 3, outcomes: 'ok no no no', results: 'TTTF' },
      { kind: 'readiness', s: 1, f: 3, outcomes: 'ok no no ok no no', results: 'TTTTTT' },
      { kind: 'liveness', s: 1, f: 1, outcomes: 'no', results: 'F' },
      { kind: 'liveness', s: 1, f: 2, outcomes: 'no ok no no', results: 'TTTF' },
    ];
  for (const c of cases) {
    let state = initialState(c.kind);
    let results = '';
    let flips = 0;
    for (const o of c.outcomes.split(' ')) {
      const r = observe(state, { successThreshold: c.s, failureThreshold: c.f }, o === 'ok', o);
      state = r.state;
      results += state.result ? 'T' : 'F';
      if (r.flipped) flips++;
    }
    assert.equal(results, c.results, `${c.kind} s=${c.s} f=${c.f}: ${c.outcomes}`);
    assert.equal(state.message, c.outcomes.split(' ').at(-1));
    assert.ok(flips <= c.outcomes.split(' ').length);
  }
});

void test('what kills a container, and what a container is from its probes', () => {
  const s = (result: boolean, failures: number) => ({ result, successes: 0, failures, message: '' });
  const cases: [Parameters<typeof kills>, boolean][] = [
    [['liveness', s(false, 3), true, 3], true],
    [['liveness', s(false, 4), false, 3], false],
    [['liveness', s(true, 1), false, 3], false],
    [['startup', s(false, 2), false, 3], false],
    [['startup', s(false, 3), false, 3], true],
    [['startup', s(true, 0), true, 3], false],
    [['readiness', s(false, 9), true, 3], false],
  ];
  for (const [args, want] of cases) assert.equal(kills(...args), want, JSON.stringify(args));
  assert.deepEqual(containerState(new Map()), { started: true, ready: true });
  assert.deepEqual(containerState(new Map([['startup', s(false, 0)]])), { started: false, ready: false });
  assert.deepEqual(containerState(new Map([['readiness', s(false, 0)]])), { started: true, ready: false });
  assert.equal(unhealthyMessage('readiness', 'x'), 'Readiness probe failed: x');
  assert.equal(killingMessage('web', 'liveness'), 'Container web failed liveness probe, will be restarted');
});
