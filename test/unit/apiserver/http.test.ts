import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBody } from '../../../src/apiserver/http/body.ts';
import { maxNestingDepth } from '../../../src/apiserver/nesting.ts';
import { negotiate } from '../../../src/apiserver/http/negotiate.ts';
import { route } from '../../../src/apiserver/http/router.ts';
import { ApiError } from '../../../src/apiserver/status.ts';

describe('router', () => {
  it('maps resource URLs', () => {
    assert.deepEqual(route('/api/v1/namespaces/ns1/pods/p/status'), {
      kind: 'resource',
      group: '',
      version: 'v1',
      namespace: 'ns1',
      plural: 'pods',
      name: 'p',
      subresource: 'status',
      watchPath: false,
    });
    assert.deepEqual(route('/api/v1/namespaces/ns1'), {
      kind: 'resource',
      group: '',
      version: 'v1',
      namespace: undefined,
      plural: 'namespaces',
      name: 'ns1',
      subresource: undefined,
      watchPath: false,
    });
    assert.deepEqual(route('/api/v1/namespaces/ns1/status'), {
      kind: 'resource',
      group: '',
      version: 'v1',
      namespace: undefined,
      plural: 'namespaces',
      name: 'ns1',
      subresource: 'status',
      watchPath: false,
    });
    assert.deepEqual(route('/apis/kubeovn.io/v1/watch/vpcs'), {
      kind: 'resource',
      group: 'kubeovn.io',
      version: 'v1',
      namespace: undefined,
      plural: 'vpcs',
      name: undefined,
      subresource: undefined,
      watchPath: true,
    });
    assert.deepEqual(route('/apis/apps/v1/namespaces/x/deployments'), {
      kind: 'resource',
      group: 'apps',
      version: 'v1',
      namespace: 'x',
      plural: 'deployments',
      name: undefined,
      subresource: undefined,
      watchPath: false,
    });
    assert.deepEqual(route('/apis/kubeovn.io'), { kind: 'group', group: 'kubeovn.io' });
    assert.deepEqual(route('/apis/kubeovn.io/v1'), { kind: 'resources', group: 'kubeovn.io', version: 'v1' });
    assert.equal(route('/openapi/v3/apis/kubeovn.io/v1').kind, 'openapi-v3');
    assert.equal(route('/api/v1/pods/a/b/c').kind, 'unknown');
    assert.equal(route('/metrics').kind, 'unknown');
  });

  it('maps the health endpoints and their single checks', () => {
    const cases: Array<[path: string, endpoint: string, check: string | undefined]> = [
      ['/healthz', 'healthz', undefined],
      ['/livez/', 'livez', undefined],
      ['/readyz', 'readyz', undefined],
      ['/readyz/store', 'readyz', 'store'],
      ['/livez/poststarthook/x', 'livez', 'poststarthook/x'],
    ];
    for (const [path, endpoint, check] of cases) {
      assert.deepEqual(route(path), { kind: 'health', endpoint, check }, path);
    }
    assert.equal(route('/readyzz').kind, 'unknown');
  });
});

describe('negotiation', () => {
  it('prefers tables and metadata when asked, falls back to JSON, refuses protobuf only', () => {
    assert.deepEqual(
      negotiate(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
        true,
      ),
      { as: 'table', apiVersion: 'meta.k8s.io/v1' },
    );
    assert.deepEqual(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io, application/json', false), {
      as: 'object',
      yaml: false,
    });
    assert.deepEqual(negotiate('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', true), {
      as: 'metadata',
      apiVersion: 'meta.k8s.io/v1',
    });
    assert.deepEqual(negotiate('application/vnd.kubernetes.protobuf, */*', true), {
      as: 'object',
      yaml: false,
    });
    assert.deepEqual(negotiate(undefined, true), { as: 'object', yaml: false });
    assert.throws(
      () => negotiate('application/vnd.kubernetes.protobuf', true),
      (e: unknown) => e instanceof ApiError && e.code === 406,
    );
  });
});

describe('body decoding', () => {
  it('decodes JSON and YAML and reports malformed input as 400', () => {
    assert.deepEqual(decodeBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8'), { a: 1 });
    assert.deepEqual(decodeBody(Buffer.from('a: 1\n'), 'application/yaml'), { a: 1 });
    for (const [text, type] of [
      ['{', 'application/json'],
      ['', 'application/json'],
      ['a: [', 'application/yaml'],
      ['a: 1\na: 2', 'application/yaml'],
    ]) {
      assert.throws(
        () => decodeBody(Buffer.from(text ?? ''), type),
        (e: unknown) => e instanceof ApiError && e.code === 400,
        text,
      );
    }
    assert.throws(
      () => decodeBody(Buffer.from('x'), 'text/plain'),
      (e: unknown) => e instanceof ApiError && e.code === 415,
    );
    assert.throws(
      () => decodeBody(Buffer.from('x'), 'application/vnd.kubernetes.protobuf'),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  });

  it('refuses bodies nested deeper than the limit with a 400 that says so, before parsing them', () => {
    const at = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    const withData = (n: number): string => `{"metadata":{"name":"x"},"data":${at(n)}}`;
    const yamlData = (n: number): string => `metadata:\n  name: x\ndata: ${at(n)}\n`;
    const accepted: Array<[body: string, type: string]> = [
      [withData(maxNestingDepth - 1), 'application/json'],
      [withData(maxNestingDepth - 1), 'application/merge-patch+json'],
      [`[{"op":"add","path":"/x","value":${at(maxNestingDepth - 2)}}]`, 'application/json-patch+json'],
      [yamlData(maxNestingDepth - 1), 'application/yaml'],
    ];
    for (const [body, type] of accepted) assert.ok(decodeBody(Buffer.from(body), type), type);
    const refused: Array<[body: string, type: string, message: RegExp]> = [
      [withData(maxNestingDepth), 'application/json', /JSON deeper than 500 levels .*at byte 531\)/],
      [withData(200_000), 'application/strategic-merge-patch+json', /JSON deeper than 500 levels/],
      [withData(200_000), 'application/merge-patch+json', /JSON deeper than 500 levels/],
      [`[{"op":"add","path":"/x","value":${at(200_000)}}]`, 'application/json-patch+json', /JSON deeper/],
      [yamlData(maxNestingDepth), 'application/yaml', /YAML deeper than 500 levels .*at offset/],
      [yamlData(200_000), 'application/apply-patch+yaml', /YAML deeper than 500 levels/],
      [
        `a: &x ${at(300)}\nb: ${'['.repeat(300)}*x${']'.repeat(300)}\n`,
        'application/yaml',
        /aliases are expanded/,
      ],
      ['a: &x\n  b: *x\n', 'application/yaml', /an alias refers to a node that contains it/],
    ];
    for (const [body, type, message] of refused) {
      assert.throws(
        () => decodeBody(Buffer.from(body), type),
        (e: unknown) =>
          e instanceof ApiError &&
          e.code === 400 &&
          message.test(e.message) &&
          /nested too deeply|alias/.test(e.message),
        `${type}: ${body.slice(0, 40)}`,
      );
    }
  });
});
