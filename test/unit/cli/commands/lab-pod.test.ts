import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openLab, parsePodRef, type PodRef } from '../../../../src/cli/commands/lab-pod.ts';

describe('the NAMESPACE/POD argument of exec and trace', () => {
  const cases: Array<[string, PodRef]> = [
    ['ns1/web', { namespace: 'ns1', pod: 'web' }],
    ['web', { namespace: 'default', pod: 'web' }],
    ['ns1/web/extra', { namespace: 'ns1', pod: 'web' }],
    ['ns1/', { namespace: 'ns1', pod: '' }],
    ['/web', { namespace: '', pod: 'web' }],
  ];
  for (const [text, ref] of cases) it(text, () => assert.deepEqual(parsePodRef(text), ref));
});

describe('the running lab exec and trace act on', () => {
  const io = () => {
    const err: string[] = [];
    return { err, io: { out: () => undefined, err: (line: string) => err.push(line) } };
  };

  it('no lab config: says so, names the command and the home', () => {
    const home = mkdtempSync(join(tmpdir(), 'kovn-lab-pod-'));
    try {
      const { err, io: commandIo } = io();
      assert.equal(openLab('trace', commandIo, home), undefined);
      assert.deepEqual(err, [`kovn trace: no kovn lab in ${home} (start one with \`kovn up\`)`]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("a lab: its layout and a KubeConfig loaded from the lab's kubeconfig", () => {
    const home = mkdtempSync(join(tmpdir(), 'kovn-lab-pod-'));
    try {
      writeFileSync(join(home, 'lab.json'), JSON.stringify({ id: 'lab7', nodes: [], apiserverPort: 6443 }));
      writeFileSync(
        join(home, 'kubeconfig'),
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
          users: [{ name: 'u', user: {} }],
          contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'x',
        }),
      );
      const { err, io: commandIo } = io();
      const lab = openLab('exec', commandIo, home);
      assert.deepEqual(err, []);
      assert.equal(lab?.layout.id, 'lab7');
      assert.equal(lab?.layout.kubeconfig, join(home, 'kubeconfig'));
      assert.equal(lab?.kubeConfig.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
