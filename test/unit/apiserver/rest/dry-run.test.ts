// The dryRun option (rest/dry-run.ts): no value is a real write, All a dry run, anything else kube-apiserver's 422.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDryRun, type OptionsKind } from '../../../../src/apiserver/rest/dry-run.ts';
import { ApiError } from '../../../../src/apiserver/status.ts';

describe('isDryRun', () => {
  const cases: Array<[readonly string[], OptionsKind, boolean | string]> = [
    [[], 'CreateOptions', false],
    [['All'], 'UpdateOptions', true],
    [['All', 'All'], 'PatchOptions', true],
    [
      ['all'],
      'CreateOptions',
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["all"]: supported values: "All"',
    ],
    [
      [''],
      'DeleteOptions',
      'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: [""]: supported values: "All"',
    ],
    [
      ['All', 'x'],
      'PatchOptions',
      'PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["All","x"]: supported values: "All"',
    ],
  ];
  for (const [values, kind, expected] of cases) {
    it(`${JSON.stringify(values)} on ${kind}`, () => {
      if (typeof expected === 'boolean') {
        assert.equal(isDryRun(values, kind), expected);
        return;
      }
      assert.throws(
        () => isDryRun(values, kind),
        (error: unknown) =>
          error instanceof ApiError &&
          error.code === 422 &&
          error.reason === 'Invalid' &&
          error.message === expected,
      );
    });
  }
});
