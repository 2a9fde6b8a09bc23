import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.ts';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../src/apiserver/selectors.ts';
import { ApiError } from '../../../src/apiserver/status.ts';

describe('label selectors', () => {
  const labels = { env: 'prod', tier: 'web', n: '5' };
  const table: Array<[string, boolean]> = [
    ['', true],
    ['env=prod', true],
    ['env==prod', true],
    ['env=dev', false],
    ['env!=dev', true],
    ['missing!=x', true],
    ['env in (dev, prod)', true],
    ['env in (dev)', false],
    ['env notin (dev)', true],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['env=prod,tier in (web),!missing', true],
    ['n>4', true],
    ['n<5', false],
    ['example.com/key=v', false],
  ];
  for (const [selector, expected] of table) {
    it(`${JSON.stringify(selector)} -> ${expected}`, () => {
      assert.equal(matchLabels(parseLabelSelector(selector), labels), expected);
    });
  }

  it('rejects malformed selectors with 400', () => {
    for (const bad of ['env in prod', 'Bad Key=1', 'env in ()', 'n>x']) {
      assert.throws(
        () => parseLabelSelector(bad),
        (e: unknown) => e instanceof ApiError && e.code === 400,
        bad,
      );
    }
  });
});

describe('field selectors', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', hostNetwork: true },
    status: { phase: 'Running' },
  };
  const supported = [
    'metadata.name',
    'metadata.namespace',
    'spec.nodeName',
    'spec.hostNetwork',
    'status.phase',
  ];

  it('matches =, ==, != against dotted paths, absent as empty', () => {
    const m = (s: string): boolean => matchFields(parseFieldSelector(s, supported), pod);
    assert.equal(m('metadata.name=p,metadata.namespace==ns'), true);
    assert.equal(m('spec.nodeName!=n1'), false);
    assert.equal(m('status.phase=Running,spec.hostNetwork=true'), true);
    assert.equal(m('spec.nodeName='), false);
  });

  it('refuses fields that are not supported for the kind', () => {
    assert.throws(
      () => parseFieldSelector('spec.other=1', supported),
      /field label not supported: spec.other/,
    );
  });
});
