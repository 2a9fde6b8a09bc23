// Contract suite, part 4: durability - objects and watch resumption survive a restart, and kill -9 of the server
// process in the middle of a write loop loses no acknowledged write.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- raw JSON responses are asserted structurally */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { startApiServer, type ApiServer } from '../../../src/apiserver/server.ts';
import { rawRequest, rawWatch, serverOptions, startTestServer, tempDir } from './helpers.ts';

const nodeBin = process.execPath;
const mainTs = new URL('../../../src/apiserver/main.ts', import.meta.url).pathname;
const cleanups: Array<() => Promise<void> | void> = [];

after(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('restart', () => {
  it('keeps objects and lets a watch resume from a resourceVersion taken before the restart', async () => {
    const t = await startTestServer();
    cleanups.push(() => t.close());
    await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'b' } } });
    const rv0 = (await t.request('GET', '/api/v1/namespaces/default/configmaps')).body.metadata
      .resourceVersion as string;
    const a = await t.request('POST', '/api/v1/namespaces/default/configmaps', {
      body: { metadata: { name: 'a' }, data: { v: '1' } },
    });
    await t.request('PATCH', '/api/v1/namespaces/default/configmaps/a', {
      body: { data: { v: '2' } },
      contentType: 'application/merge-patch+json',
    });
    await t.request('DELETE', '/api/v1/namespaces/default/configmaps/b');
    await t.restart();
    const got = await t.request('GET', '/api/v1/namespaces/default/configmaps/a');
    assert.equal(got.body.metadata.uid, a.body.metadata.uid);
    assert.equal(got.body.data.v, '2');
    const w = await t.watch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv0}`);
    const events = [await w.next(), await w.next(), await w.next()].map(
      (e) => `${e.type} ${e.object.metadata.name}`,
    );
    assert.deepEqual(events, ['ADDED a', 'MODIFIED a', 'DELETED b']);
    await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'c' } } });
    const live = await w.next();
    assert.equal(live.object.metadata.name, 'c');
    assert.ok(Number(live.object.metadata.resourceVersion) > Number(got.body.metadata.resourceVersion));
    w.close();
  });
});

async function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(nodeBin, [mainTs, '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => ['exited'])])) as [
    string,
  ];
  if (line === 'exited') throw new Error('apiserver child exited before listening');
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

describe('crash safety', () => {
  it('loses no acknowledged write when the server process is killed with SIGKILL mid-write-loop', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'data');
    const { child, url } = await startChild(dataDir);
    let killed = false;
    cleanups.push(() => {
      if (!killed && child.exitCode === null) child.kill('SIGKILL');
    });
    const target = {
      url,
      caPem: readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'),
      token: readFileSync(join(dataDir, 'pki', 'token'), 'utf8').trim(),
      kubeconfigPath: join(dataDir, 'kubeconfig'),
      close: () => Promise.resolve(),
    } satisfies ApiServer;

    const acknowledged: string[] = [];
    let stop = false;
    let n = 0;
    const writer = async (): Promise<void> => {
      while (!stop) {
        const name = `cm-${n++}`;
        try {
          const res = await rawRequest(target, 'POST', '/api/v1/namespaces/default/configmaps', {
            body: { metadata: { name }, data: { n: name } },
          });
          if (res.status === 201) acknowledged.push(name);
        } catch {
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.ok(acknowledged.length >= 300, `only ${acknowledged.length} writes acknowledged before the kill`);
    child.kill('SIGKILL');
    killed = true;
    await once(child, 'exit');
    stop = true;
    await Promise.all(writers);

    const restarted = await startApiServer(serverOptions(dataDir));
    try {
      const list = await rawRequest(restarted, 'GET', '/api/v1/namespaces/default/configmaps');
      const stored = new Set(
        (list.body.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name),
      );
      const lost = acknowledged.filter((name) => !stored.has(name));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes lost`);
      const w = await rawWatch(
        restarted,
        '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1',
      );
      const first = await w.next();
      assert.equal(first.type, 'ADDED');
      w.close();
    } finally {
      await restarted.close();
    }
  });
});
