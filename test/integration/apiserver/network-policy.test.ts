// NetworkPolicy on the embedded API server through real kubectl: discovery (the `netpol` short name), apply (created,
// configured), get with kube-apiserver's columns (POD-SELECTOR), the stored defaults (policyTypes, TCP),
// a refusal as a 422 whose message names the field path, and delete; plus the same refusal over plain HTTP.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.ts';
import { header, kubectlAvailable, kubectlBin, kubectlFor, ok } from './kubectl-cli.ts';

const POLICIES = '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies';
const policyYaml = (name: string, port: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - port: ${port}
`;

let t: TestServer;
const kubectl = kubectlFor(() => t);
const skip = kubectlAvailable ? false : `${kubectlBin} not found`;

describe('NetworkPolicy (networking.k8s.io/v1)', () => {
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  it('discovery lists it, namespaced, with the netpol short name', async () => {
    const res = await t.request('GET', '/apis/networking.k8s.io/v1');
    assert.equal(res.status, 200, res.text);
    const resources = (
      res.body as { resources: { name: string; namespaced: boolean; shortNames?: string[] }[] }
    ).resources;
    const np = resources.find((r) => r.name === 'networkpolicies');
    assert.deepEqual([np?.namespaced, np?.shortNames], [true, ['netpol']]);
  });

  it('an invalid policy is a 422 naming the field', async () => {
    const res = await t.request('POST', POLICIES, {
      body: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'bad' },
        spec: { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] },
      },
    });
    assert.equal(res.status, 422, res.text);
    const status = res.body as { reason: string; details: { causes: { field: string }[] } };
    assert.equal(status.reason, 'Invalid');
    assert.deepEqual(
      status.details.causes.map((c) => c.field),
      ['spec.ingress[0].ports[0].endPort'],
    );
  });

  it('kubectl apply, get, change, delete', { skip }, async () => {
    const file = join(t.dir, 'netpol.yaml');
    writeFileSync(file, policyYaml('allow-web', '80'));
    assert.match(
      ok(await kubectl('apply', '-f', file)),
      /networkpolicy.networking.k8s.io\/allow-web created/,
    );
    const table = ok(await kubectl('get', 'netpol'));
    assert.deepEqual(header(table), ['NAME', 'POD-SELECTOR', 'AGE']);
    assert.match(table, /^allow-web\s+app=api\s+\d+s$/m);
    const stored = JSON.parse(ok(await kubectl('get', 'networkpolicy', 'allow-web', '-o', 'json'))) as {
      spec: { policyTypes: string[]; ingress: { ports: { protocol: string }[] }[] };
    };
    assert.deepEqual(stored.spec.policyTypes, ['Ingress']);
    assert.equal(stored.spec.ingress[0]?.ports[0]?.protocol, 'TCP');
    writeFileSync(file, policyYaml('allow-web', 'http'));
    assert.match(
      ok(await kubectl('apply', '-f', file)),
      /networkpolicy.networking.k8s.io\/allow-web configured/,
    );
    writeFileSync(file, policyYaml('allow-web', '70000'));
    const refused = await kubectl('apply', '-f', file);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /spec\.ingress\[0\]\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive/,
    );
    assert.match(
      ok(await kubectl('delete', 'netpol', 'allow-web')),
      /networkpolicy.networking.k8s.io "allow-web" deleted/,
    );
    assert.match(
      ok(await kubectl('get', 'netpol')) + (await kubectl('get', 'netpol')).stderr,
      /No resources found/,
    );
  });
});
