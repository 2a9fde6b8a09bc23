// `kovn install | kubectl apply --dry-run=server -f -` against kovn's embedded API server, as a user would check a
// rendering before applying it: every document of both modes (and of an install on an existing OVN) passes the
// server's decoding, defaulting and admission, the CRDs are those the server already serves (unchanged), and
// nothing is stored. Then deploy/kovn.yaml is applied for real: it is accepted, and applying it again changes nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../apiserver/helpers.ts';
import { kubectlAvailable, kubectlBin, kubectlFor, ok } from '../apiserver/kubectl-cli.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let t: TestServer;
const kubectl = kubectlFor(() => t);

function render(args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), 'install', ...args], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe(
  'kovn install against the API server',
  { skip: kubectlAvailable ? false : `${kubectlBin} not found` },
  () => {
    before(async () => {
      t = await startTestServer();
    });
    after(async () => {
      await t.close();
    });

    const variants = [
      [],
      ['--mode', 'secondary'],
      ['--ovn-nb-addr', 'tcp:10.0.0.5:6641'],
      ['--ovn-central-replicas', '3'],
    ];
    for (const args of variants) {
      it(`kovn install ${args.join(' ') || '(defaults)'} | kubectl apply --dry-run=server: every document accepted, none stored`, async () => {
        const file = join(t.dir, 'install.yaml');
        writeFileSync(file, render(args));
        const out = ok(await kubectl('apply', '--dry-run=server', '-f', file))
          .trim()
          .split('\n');
        const crds = out.filter((l) => l.startsWith('customresourcedefinition'));
        const others = out.filter((l) => !l.startsWith('customresourcedefinition'));
        assert.equal(crds.length, 10);
        for (const l of crds) assert.match(l, / (unchanged|configured) \(server dry run\)$/);
        for (const l of others) assert.match(l, / created \(server dry run\)$/);
        assert.ok(others.some((l) => l === 'deployment.apps/kovn-controller created (server dry run)'));
        assert.ok(others.some((l) => l === 'daemonset.apps/kovn-node created (server dry run)'));
        const stored = await kubectl('get', '-n', 'kube-system', 'deployment/kovn-controller');
        assert.match(stored.stderr, /NotFound/);
      });
    }

    it('deploy/kovn.yaml applies for real, and a second apply changes nothing', async () => {
      const file = join(ROOT, 'deploy/kovn.yaml');
      const first = ok(await kubectl('apply', '-f', file));
      assert.match(first, /^serviceaccount\/kovn-controller created$/m);
      assert.match(first, /^statefulset\.apps\/ovn-central created$/m);
      const second = ok(await kubectl('apply', '-f', file))
        .trim()
        .split('\n');
      for (const l of second) assert.match(l, / unchanged$/, l);
      const sa = ok(await kubectl('get', '-n', 'kube-system', 'sa', 'kovn-node', '-o', 'name'));
      assert.equal(sa.trim(), 'serviceaccount/kovn-node');
    });
  },
);
