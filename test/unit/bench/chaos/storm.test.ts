// The chaos storm's steps (bench/chaos/storm.ts): timed in order over the kill span, every pod created once in the
// waves, the deletions naming objects created before them, the re-created pods exactly the deleted ones, and the
// sizes the run prints.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stepSize, stormSteps, type StormStep } from '../../../../bench/chaos/storm.ts';

const key = (kind: string, ns: string | undefined, name: string | undefined) =>
  `${kind}/${ns ?? ''}/${name ?? ''}`;
const created = (steps: StormStep[]) =>
  steps
    .flatMap((s) => ('create' in s ? s.create.flat() : []))
    .map((o) => key(o.kind, o.metadata.namespace, o.metadata.name));

describe('chaos storm steps', () => {
  for (const o of [
    { vpcs: 1, pods: 4 },
    { vpcs: 2, pods: 16 },
    { vpcs: 3, pods: 120 },
  ]) {
    it(`${o.vpcs} VPCs, ${o.pods} pods`, () => {
      const steps = stormSteps(o);
      const ats = steps.map((s) => s.at);
      assert.deepEqual(
        [...ats].sort((a, b) => a - b),
        ats,
        'steps in time order',
      );
      assert.ok(ats.every((a) => a >= 0 && a <= 1));
      const made = created(steps);
      assert.equal(new Set(made).size, made.length, 'nothing created twice');
      assert.equal(made.filter((k) => k.startsWith('Pod/')).length, o.pods);
      assert.equal(made.filter((k) => k.startsWith('Vpc/')).length, o.vpcs);
      const deletions = steps.flatMap((s) => ('delete' in s ? s.delete : []));
      assert.ok(deletions.length > 0);
      for (const d of deletions)
        assert.ok(made.includes(key(d.kind, d.namespace, d.name)), `${d.name} made first`);
      const recreated = steps.flatMap((s) => ('recreate' in s ? s.recreate : []));
      assert.deepEqual(
        recreated.map((p) => key(p.kind, p.metadata.namespace, p.metadata.name)),
        deletions.filter((d) => d.kind === 'Pod').map((d) => key(d.kind, d.namespace, d.name)),
      );
      assert.equal(
        steps.reduce((n, s) => n + stepSize(s), 0),
        made.length + deletions.length + recreated.length + o.vpcs,
      );
    });
  }
});
