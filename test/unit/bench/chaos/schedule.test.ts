// The chaos run's seeded kill schedule (bench/chaos/schedule.ts): replayable from its seed, every victim killed
// before any twice, no victim killed again within its gap, offsets in order and spread over the duration.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killSchedule, seededRandom } from '../../../../bench/chaos/schedule.ts';

const VICTIMS = [
  'controller',
  'apiserver',
  'a/node-agent',
  'b/node-agent',
  'central/nb',
  'central/sb',
  'nat-gw',
];

void describe('killSchedule', () => {
  const cases = [
    { seed: 1, kills: 40, durationMs: 120_000 },
    { seed: 42, kills: 7, durationMs: 30_000 },
    { seed: 123456789, kills: 25, durationMs: 20_000 },
    { seed: 7, kills: 3, durationMs: 10_000 },
  ];
  for (const c of cases) {
    it(`seed ${c.seed}, ${c.kills} kills over ${c.durationMs} ms`, () => {
      const s = killSchedule({ ...c, victims: VICTIMS, startMs: 2_000 });
      assert.deepEqual(s, killSchedule({ ...c, victims: VICTIMS, startMs: 2_000 }), 'the same seed replays');
      assert.equal(s.length, c.kills);
      assert.equal(s[0]!.atMs, 2_000);
      const first = s.slice(0, VICTIMS.length).map((k) => k.victim);
      assert.equal(new Set(first).size, first.length, 'no victim twice before every victim once');
      if (c.kills >= VICTIMS.length) assert.deepEqual([...first].sort(), [...VICTIMS].sort());
      for (let i = 1; i < s.length; i++) assert.ok(s[i]!.atMs - s[i - 1]!.atMs >= 500, `gap before #${i}`);
      const last = new Map<string, number>();
      for (const k of s) {
        const before = last.get(k.victim);
        if (before !== undefined) assert.ok(k.atMs - before >= 12_000, `${k.victim} again too soon`);
        last.set(k.victim, k.atMs);
      }
    });
  }

  it('another seed gives another schedule', () => {
    const a = killSchedule({ seed: 1, kills: 20, victims: VICTIMS, durationMs: 60_000 });
    const b = killSchedule({ seed: 2, kills: 20, victims: VICTIMS, durationMs: 60_000 });
    assert.notDeepEqual(a, b);
  });

  it('kills spread over about the duration when the gaps allow it', () => {
    const s = killSchedule({ seed: 9, kills: 40, victims: VICTIMS, durationMs: 120_000 });
    const span = s.at(-1)!.atMs;
    assert.ok(span > 80_000 && span < 180_000, `span ${span}`);
  });

  it('no kills, or no victims: an empty schedule', () => {
    assert.deepEqual(killSchedule({ seed: 1, kills: 0, victims: VICTIMS, durationMs: 1 }), []);
    assert.deepEqual(killSchedule({ seed: 1, kills: 5, victims: [], durationMs: 1 }), []);
  });
});

void describe('seededRandom', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = seededRandom(5);
    const b = seededRandom(5);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
});
