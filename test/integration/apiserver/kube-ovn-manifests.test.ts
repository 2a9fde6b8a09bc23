// Existing Kube-OVN manifests apply (issue 23, ADR 2), with the real kubectl against the embedded API server:
// - every manifest of examples/ applies as its scenario orders it, with no warning (03-eip-static.yaml excepted:
//   its fixed address is outside the external network, which Kube-OVN's webhook refuses too; and the warnings of
//   `fieldsKovnIgnores`, fields the README lists as accepted but ignored, src/api/ignored-fields.ts);
// - every file of test/fixtures/kube-ovn-valid/ (Kube-OVN-valid manifests kovn used to refuse, one per rule that
//   became a warning) applies, kubectl printing exactly the `Warning:` lines its `# expect-warning:` comments name;
// - every file of test/fixtures/kube-ovn-refused/ (what Kube-OVN's webhook refuses, and kovn's kept refusals) is
//   refused: kubectl fails naming the field, and the same write answers the `# expect-refused:` code (422 or 403,
//   never 409) with the field in details.causes.
// Both corpora refer to test/fixtures/kube-ovn-world.yaml, applied first.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- raw JSON responses */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubeovnTypeOf } from '../../../src/api/registry.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { parseManifestText } from '../../../src/manifest/load.ts';
import { startTestServer, type TestServer } from './helpers.ts';
import { kubectlAvailable, kubectlBin, kubectlFor, ok } from './kubectl-cli.ts';

const root = new URL('../../../', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures');
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));

/** The values of `# <key>: ...` comment lines of a file. */
const directives = (file: string, key: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`# ${key}: `))
    .map((l) => l.slice(`# ${key}: `.length).trim());

/** The `Warning: ...` lines kubectl printed. */
const warningLines = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('Warning: '))
    .map((l) => l.slice('Warning: '.length));

function pathOf(o: KubeObject): string {
  if (o.kind === 'Pod') return `/api/v1/namespaces/${o.metadata.namespace ?? 'default'}/pods`;
  const type = kubeovnTypeOf(o.kind);
  assert.ok(type, o.kind);
  return `/apis/${type.group}/${type.version}/${type.plural}`;
}

/** The warnings an example draws for a field kovn ignores (drop an entry when kovn implements the field). */
const fieldsKovnIgnores: Record<string, string[]> = {};

let t: TestServer;
const kubectl = kubectlFor(() => t);
const skip = kubectlAvailable ? false : `${kubectlBin} not found`;

describe('the examples apply unchanged', { skip }, () => {
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  const scenario = [
    'examples/seed',
    'examples/config-vpc/nat-gateway',
    'examples/config-vpc/routing',
    'examples/config-vpc/vpc-dns',
    'examples/lab',
  ];
  for (const dir of scenario) {
    it(dir, async () => {
      for (const file of yamlFiles(join(root, dir))) {
        const run = await kubectl('apply', '-f', file);
        if (file.endsWith('03-eip-static.yaml')) {
          assert.notEqual(run.code, 0, 'refused, as by Kube-OVN');
          assert.match(
            run.stderr,
            /IptablesEIP "eip-static" is invalid: spec\.v4ip: Invalid value: "10\.0\.1\.111"/,
          );
          continue;
        }
        assert.equal(run.code, 0, `${file}: ${run.stderr}`);
        const ignored = fieldsKovnIgnores[file.split('/').pop() ?? ''] ?? [];
        assert.deepEqual(warningLines(run.stderr), ignored, `${file}: no warnings`);
      }
    });
  }
});

/** A fresh server with the corpus world applied (each corpus its own: the valid one ends by turning NAT off). */
function withWorld(): void {
  before(async () => {
    t = await startTestServer();
    ok(await kubectl('apply', '-f', join(fixtures, 'kube-ovn-world.yaml')));
    // The address the controller would have given kv-eip-ready.
    const patched = await t.request('PATCH', '/apis/kubeovn.io/v1/iptables-eips/kv-eip-ready/status', {
      body: { status: { ip: '192.168.0.20', ready: true } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(patched.status, 200, patched.text);
  });
  after(async () => {
    await t.close();
  });
}

describe('Kube-OVN-valid manifests kovn used to refuse apply, with warnings', { skip }, () => {
  withWorld();

  for (const file of yamlFiles(join(fixtures, 'kube-ovn-valid'))) {
    const expected = directives(file, 'expect-warning');
    it(`applies ${file.split('/').pop() ?? ''} with its warnings`, async () => {
      assert.ok(expected.length, 'the file names the warnings it draws');
      const run = await kubectl('apply', '-f', file);
      assert.equal(run.code, 0, run.stderr);
      const printed = warningLines(run.stderr);
      assert.equal(printed.length, expected.length, printed.join('\n'));
      for (const want of expected)
        assert.ok(
          printed.some((line) => line.startsWith(want)),
          `expected "Warning: ${want}...", got:\n${printed.join('\n')}`,
        );
    });
  }
});

describe("what Kube-OVN's webhook refuses is refused, with 422 or 403 and the field", { skip }, () => {
  withWorld();

  for (const file of yamlFiles(join(fixtures, 'kube-ovn-refused'))) {
    const [code, subject, field] = (directives(file, 'expect-refused')[0] ?? '').split(' ');
    it(`refuses ${file.split('/').pop() ?? ''} with ${code ?? '?'} on ${field ?? '?'}`, async () => {
      assert.ok(code && subject && field, 'the file names its refusal');
      const run = await kubectl('apply', '-f', file);
      assert.notEqual(run.code, 0, 'kubectl fails');
      assert.ok(run.stderr.includes(field), `kubectl names ${field}: ${run.stderr}`);
      assert.match(run.stderr, code === '403' ? /\(Forbidden\)|is forbidden/ : /is invalid/);

      // The same write again, raw: the status code and the field among the causes.
      const { documents } = parseManifestText(file, readFileSync(file, 'utf8'));
      const object = documents
        .map((d) => d.object)
        .findLast((o) => `${o.kind}/${o.metadata.name ?? ''}` === subject);
      assert.ok(object, subject);
      const at = `${pathOf(object)}/${object.metadata.name ?? ''}`;
      const current = await t.request('GET', at);
      const answer =
        current.status === 200
          ? await t.request('PUT', at, {
              body: {
                ...object,
                metadata: {
                  ...object.metadata,
                  resourceVersion: String(current.body.metadata.resourceVersion),
                },
              },
            })
          : await t.request('POST', pathOf(object), { body: object });
      assert.equal(answer.status, Number(code), answer.text);
      assert.equal(answer.body.reason, code === '403' ? 'Forbidden' : 'Invalid');
      const causes = (answer.body.details?.causes ?? []) as { field?: string }[];
      assert.ok(
        causes.some((c) => c.field === field),
        answer.text,
      );
    });
  }
});
