import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { loadEndpoint } from '../../../src/cli/kube/kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'kovn-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, config: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(config));
  return path;
}

const config = (cluster: Record<string, unknown>, user: Record<string, unknown>, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443/', ...cluster } }],
  users: [{ name: 'u', user }],
  contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) } }],
  'current-context': 'x',
});

async function options(
  paths: string[],
): Promise<{ server: string; namespace: string; o: https.RequestOptions }> {
  const endpoint = await loadEndpoint({ paths, from: '--kubeconfig' });
  const o: https.RequestOptions = { headers: {} };
  await endpoint.authenticate(o);
  return { server: endpoint.server, namespace: endpoint.namespace, o };
}

describe('reading a kubeconfig', () => {
  it('inline CA and a bearer token (what the lab writes); namespace from the context', async () => {
    const path = write(
      'lab',
      config({ 'certificate-authority-data': Buffer.from('CA').toString('base64') }, { token: 't0k' }, 'ns1'),
    );
    const { server, namespace, o } = await options([path]);
    assert.equal(server, 'https://127.0.0.1:6443');
    assert.equal(namespace, 'ns1');
    assert.equal(String(o.ca), 'CA');
    assert.deepEqual(o.headers, { Authorization: 'Bearer t0k' });
  });
  it('files relative to the kubeconfig, client certificates, token files, default namespace', async () => {
    writeFileSync(join(dir, 'ca.pem'), 'CAFILE');
    writeFileSync(join(dir, 'token'), 'from-file\n');
    const path = write(
      'files',
      config(
        { 'certificate-authority': 'ca.pem', 'insecure-skip-tls-verify': true },
        {
          tokenFile: 'token',
          'client-certificate-data': Buffer.from('CERT').toString('base64'),
          'client-key-data': Buffer.from('KEY').toString('base64'),
        },
      ),
    );
    const { namespace, o } = await options([path]);
    assert.equal(namespace, 'default');
    assert.equal(String(o.ca), 'CAFILE');
    assert.equal(String(o.cert), 'CERT');
    assert.equal((o.key as Buffer).toString(), 'KEY');
    assert.equal(o.rejectUnauthorized, false);
    assert.deepEqual(o.headers, { Authorization: 'Bearer from-file' });
  });
  it('basic auth', async () => {
    const { o } = await options([write('basic', config({}, { username: 'a', password: 'b' }))]);
    assert.deepEqual(o.headers, { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
  });
  it('a KUBECONFIG list: the first file to name the current context and each entry wins', async () => {
    const first = write('first', { ...config({}, { token: 'first' }), clusters: [] });
    const second = write('second', {
      ...config({ server: 'https://second:1' }, { token: 'second' }),
      'current-context': 'other',
    });
    const { server, o } = await options([first, second]);
    assert.equal(server, 'https://second:1');
    assert.deepEqual(o.headers, { Authorization: 'Bearer first' });
  });
  it('a missing file or context is a clear error', async () => {
    await assert.rejects(
      loadEndpoint({ paths: [join(dir, 'nope')], from: 'lab' }),
      /does not exist \(the lab writes it on `kovn up`/,
    );
    const path = write('noctx', { ...config({}, {}), 'current-context': 'missing' });
    await assert.rejects(loadEndpoint({ paths: [path], from: '--kubeconfig' }), /no current context/);
  });
});
