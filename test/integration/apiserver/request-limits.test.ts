// Contract suite: limits on request bodies. A body nested deeper than the limit (JSON, YAML, every patch dialect)
// is a 400 that says so, never a stack overflow and a 500; a body at the limit goes through every verb and reads
// back as JSON and YAML; a JSON patch that would build a deeper object is refused; bodies over 3 MiB get
// kube-apiserver's 413. The health endpoints answer as kube-apiserver's do.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { maxNestingDepth } from '../../../src/apiserver/nesting.ts';
import { startTestServer, widget, type TestServer } from './helpers.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

const widgets = '/apis/test.kovn.io/v1/namespaces/default/widgets';
/** `levels` nested objects: {a: {a: ... 1}}. */
const nest = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};
const arrays = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

describe('nesting limit', () => {
  it('refuses a 200,000-deep body in every dialect with a 400, and keeps serving', async () => {
    const deep = arrays(200_000);
    const cases: Array<[method: string, path: string, type: string, body: string]> = [
      ['POST', widgets, 'application/json', `{"metadata":{"name":"d"},"spec":{"extra":${deep}}}`],
      ['POST', widgets, 'application/yaml', `metadata:\n  name: d\nspec:\n  extra: ${deep}\n`],
      ['PATCH', `${widgets}/target`, 'application/merge-patch+json', `{"spec":{"extra":${deep}}}`],
      ['PATCH', `${widgets}/target`, 'application/strategic-merge-patch+json', `{"spec":{"extra":${deep}}}`],
      [
        'PATCH',
        `${widgets}/target`,
        'application/json-patch+json',
        `[{"op":"add","path":"/spec/extra","value":${deep}}]`,
      ],
      [
        'PATCH',
        `${widgets}/target?fieldManager=t`,
        'application/apply-patch+yaml',
        `spec:\n  extra: ${deep}\n`,
      ],
      [
        'PUT',
        `${widgets}/target`,
        'application/json',
        `{"metadata":{"name":"target"},"spec":{"extra":${deep}}}`,
      ],
    ];
    assert.equal((await t.request('POST', widgets, { body: widget('target') })).status, 201);
    for (const [method, path, contentType, rawBody] of cases) {
      const r = await t.request(method, path, { rawBody, contentType });
      assert.equal(r.status, 400, `${method} ${contentType}: ${r.text.slice(0, 200)}`);
      assert.equal(r.body.reason, 'BadRequest');
      assert.match(
        String(r.body.message),
        new RegExp(
          `^the request body is nested too deeply: (JSON|YAML) deeper than ${maxNestingDepth} levels`,
        ),
      );
    }
    assert.equal((await t.request('GET', `${widgets}/target`)).body.spec.extra, undefined);
  });

  it('takes a body at the limit through create, read (JSON, YAML, Table), update and patches', async () => {
    const extraLevels = maxNestingDepth - 3; // the Widget, spec and extra are three levels
    const created = await t.request('POST', widgets, { body: widget('edge', { extra: nest(extraLevels) }) });
    assert.equal(created.status, 201, created.text.slice(0, 300));
    const read = [
      await t.request('GET', `${widgets}/edge`),
      await t.request('GET', `${widgets}/edge`, { accept: 'application/yaml' }),
      await t.request('GET', widgets, { accept: 'application/yaml' }),
      await t.request('GET', widgets, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }),
    ];
    assert.deepEqual(
      read.map((r) => r.status),
      [200, 200, 200, 200],
    );
    const merge = await t.request('PATCH', `${widgets}/edge`, {
      rawBody: JSON.stringify({ spec: { extra: { b: nest(extraLevels - 1) } } }),
      contentType: 'application/merge-patch+json',
    });
    assert.equal(merge.status, 200, merge.text.slice(0, 300));
    const yaml = `apiVersion: test.kovn.io/v1\nkind: Widget\nmetadata:\n  name: edge\nspec:\n  extra:\n    c: ${arrays(extraLevels - 1)}\n`;
    const applied = await t.request('PATCH', `${widgets}/edge?fieldManager=t`, {
      rawBody: yaml,
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(applied.status, 200, applied.text.slice(0, 300));
    const replaced = await t.request('PUT', `${widgets}/edge`, {
      body: { ...applied.body, spec: { extra: nest(extraLevels) } },
    });
    assert.equal(replaced.status, 200, replaced.text.slice(0, 300));
  });

  it('refuses a JSON patch whose result would nest deeper than the limit', async () => {
    const extraLevels = maxNestingDepth - 3;
    assert.equal(
      (await t.request('POST', widgets, { body: widget('grow', { extra: nest(extraLevels) }) })).status,
      201,
    );
    const path = `/spec/extra${'/a'.repeat(extraLevels - 1)}`;
    const r = await t.request('PATCH', `${widgets}/grow`, {
      rawBody: JSON.stringify([{ op: 'replace', path, value: nest(10) }]),
      contentType: 'application/json-patch+json',
    });
    assert.equal(r.status, 400, r.text.slice(0, 300));
    assert.match(String(r.body.message), /the patched object would be nested deeper than 500 levels/);
    assert.equal((await t.request('GET', `${widgets}/grow`)).body.metadata.generation, 1);
  });

  it('refuses YAML whose aliases expand deeper than the limit, or into a cycle', async () => {
    const bodies = [
      `metadata:\n  name: al\nspec:\n  extra:\n    x: &x ${arrays(300)}\n    y: ${'['.repeat(300)}*x${']'.repeat(300)}\n`,
      'metadata:\n  name: al\nspec:\n  extra: &x\n    self: *x\n',
    ];
    for (const rawBody of bodies) {
      const r = await t.request('POST', widgets, { rawBody, contentType: 'application/yaml' });
      assert.equal(r.status, 400, r.text.slice(0, 300));
    }
  });
});

describe('size limit', () => {
  it("answers a body over 3 MiB with kube-apiserver's 413", async () => {
    const big = await t.request('POST', widgets, {
      body: widget('big', { extra: { x: 'y'.repeat(3 * 1024 * 1024) } }),
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.reason, 'RequestEntityTooLarge');
    assert.equal(big.body.message, 'Request entity too large: limit is 3145728');
  });
});

describe('health endpoints', () => {
  it('answer ok, list their checks when verbose, and serve single checks to authenticated clients', async () => {
    const cases: Array<[path: string, anonymous: boolean, status: number, text: string]> = [
      ['/livez', true, 200, 'ok'],
      ['/readyz', true, 200, 'ok'],
      ['/healthz', true, 200, 'ok'],
      ['/livez?verbose', true, 200, '[+]ping ok\nlivez check passed\n'],
      ['/readyz?verbose', true, 200, '[+]ping ok\n[+]store ok\nreadyz check passed\n'],
      [
        '/healthz?verbose&exclude=store',
        true,
        200,
        '[+]ping ok\n[+]store excluded: ok\nhealthz check passed\n',
      ],
      ['/readyz/store', false, 200, 'ok'],
      ['/livez/ping', false, 200, 'ok'],
      ['/livez/store', false, 404, '404 page not found\n'],
    ];
    for (const [path, anonymous, status, text] of cases) {
      const r = await t.request('GET', path, anonymous ? { token: null } : {});
      assert.equal(r.status, status, path);
      assert.equal(r.text, text, path);
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8', path);
    }
    assert.equal((await t.request('GET', '/readyz/store', { token: null })).status, 401);
  });
});
