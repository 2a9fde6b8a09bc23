// How a kovn process picks its Kubernetes configuration (src/kube/process-config.ts), table-driven over temporary
// files standing in for kubeconfigs and for a pod's service-account mount: precedence (--kubeconfig, KUBECONFIG,
// in-cluster), KUBECONFIG lists merged with the first file winning, the in-cluster server (IPv6 bracketed, always
// https), namespace and CA, the errors naming what is missing, and the token re-read when the file changes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadProcessConfig, rotatingTokenAuthenticator } from '../../../src/kube/process-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'kovn-process-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, server: string, context = 'c', namespace?: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      `clusters: [{ name: ${name}, cluster: { server: '${server}' } }]`,
      `users: [{ name: ${name}, user: { token: t-${name} } }]`,
      `contexts: [{ name: ${context}, context: { cluster: ${name}, user: ${name}${namespace ? `, namespace: ${namespace}` : ''} } }]`,
    ].join('\n'),
  );
  return path;
}

function serviceAccount(name: string, files: { token?: string; ca?: string; namespace?: string }): string {
  const sa = join(dir, name);
  mkdirSync(sa);
  if (files.token !== undefined) writeFileSync(join(sa, 'token'), files.token);
  if (files.ca !== undefined) writeFileSync(join(sa, 'ca.crt'), files.ca);
  if (files.namespace !== undefined) writeFileSync(join(sa, 'namespace'), files.namespace);
  return sa;
}

const a = kubeconfig('a', 'https://a.example:6443', 'ctx-a', 'team-a');
const b = kubeconfig('b', 'https://b.example:6443', 'ctx-b');
const pod = serviceAccount('pod', { token: 'pod-token\n', ca: 'not checked here', namespace: 'kube-system' });
const noCa = serviceAccount('no-ca', { token: 'x' });
const noToken = serviceAccount('no-token', { ca: 'x' });
const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

async function authorization(config: ReturnType<typeof loadProcessConfig>): Promise<string | undefined> {
  const options: https.RequestOptions = { headers: {} };
  await config.kubeConfig.applyToHTTPSOptions(options);
  return (options.headers as Record<string, string>)['Authorization'];
}

describe('loadProcessConfig', () => {
  const cases: Array<{
    name: string;
    kubeconfig?: string;
    env: NodeJS.ProcessEnv;
    sa?: string;
    want: { from: string; server: string; namespace: string; authorization: string; caFile?: string };
  }> = [
    {
      name: '--kubeconfig wins over KUBECONFIG and the pod',
      kubeconfig: a,
      env: { KUBECONFIG: b, ...inPod },
      sa: pod,
      want: {
        from: '--kubeconfig',
        server: 'https://a.example:6443',
        namespace: 'team-a',
        authorization: 'Bearer t-a',
      },
    },
    {
      name: 'KUBECONFIG wins over the pod',
      env: { KUBECONFIG: b, ...inPod },
      sa: pod,
      want: {
        from: 'KUBECONFIG',
        server: 'https://b.example:6443',
        namespace: 'default',
        authorization: 'Bearer t-b',
      },
    },
    {
      name: 'a KUBECONFIG list: the first file names the current context; a missing file is skipped',
      env: { KUBECONFIG: `${join(dir, 'absent')}:${b}:${a}` },
      want: {
        from: 'KUBECONFIG',
        server: 'https://b.example:6443',
        namespace: 'default',
        authorization: 'Bearer t-b',
      },
    },
    {
      name: 'in a pod: the service account, its namespace and CA',
      env: inPod,
      sa: pod,
      want: {
        from: 'in-cluster',
        server: 'https://10.96.0.1:443',
        namespace: 'kube-system',
        authorization: 'Bearer pod-token',
        caFile: join(pod, 'ca.crt'),
      },
    },
    {
      name: 'in a pod with an IPv6 service address and no ca.crt (system roots, as client-go)',
      env: { KUBERNETES_SERVICE_HOST: 'fd00:10:96::1', KUBERNETES_SERVICE_PORT: '8080' },
      sa: noCa,
      want: {
        from: 'in-cluster',
        server: 'https://[fd00:10:96::1]:8080',
        namespace: 'default',
        authorization: 'Bearer x',
      },
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const config = loadProcessConfig({
        kubeconfig: c.kubeconfig,
        env: c.env,
        ...(c.sa ? { serviceAccountDir: c.sa } : {}),
      });
      assert.equal(config.from, c.want.from);
      assert.equal(config.kubeConfig.getCurrentCluster()?.server, c.want.server);
      assert.equal(config.kubeConfig.getCurrentCluster()?.caFile, c.want.caFile);
      assert.equal(config.namespace, c.want.namespace);
      assert.equal(await authorization(config), c.want.authorization);
    });

  const failures: Array<{
    name: string;
    kubeconfig?: string;
    env: NodeJS.ProcessEnv;
    sa?: string;
    error: RegExp;
  }> = [
    {
      name: 'nothing at all',
      env: {},
      error:
        /no --kubeconfig, KUBECONFIG is not set, and this is not a pod \(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set\)/,
    },
    {
      name: 'a pod without its port',
      env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' },
      error: /KUBERNETES_SERVICE_PORT is not set/,
    },
    {
      name: 'a pod without a token',
      env: inPod,
      sa: noToken,
      error:
        /service-account token .*no-token\/token does not exist \(is automountServiceAccountToken false\?\)/,
    },
    {
      name: 'a --kubeconfig that does not exist',
      kubeconfig: join(dir, 'gone'),
      env: inPod,
      sa: pod,
      error: /gone \(from --kubeconfig\) does not exist/,
    },
    {
      name: 'a KUBECONFIG whose files do not exist (no fallback to the pod, as kubectl)',
      env: { KUBECONFIG: join(dir, 'gone'), ...inPod },
      sa: pod,
      error: /\(from KUBECONFIG\) does not exist/,
    },
  ];
  for (const c of failures)
    it(`fails clearly: ${c.name}`, () => {
      assert.throws(
        () =>
          loadProcessConfig({
            kubeconfig: c.kubeconfig,
            env: c.env,
            ...(c.sa ? { serviceAccountDir: c.sa } : {}),
          }),
        c.error,
      );
    });
});

describe('rotatingTokenAuthenticator', () => {
  it("re-reads the token when kubelet swaps the mount's ..data symlink, and only then", async () => {
    const sa = join(dir, 'projected');
    mkdirSync(join(sa, '..2026_01_01_one'), { recursive: true });
    mkdirSync(join(sa, '..2026_01_01_two'));
    writeFileSync(join(sa, '..2026_01_01_one', 'token'), 'first');
    writeFileSync(join(sa, '..2026_01_01_two', 'token'), 'second\n');
    symlinkSync('..2026_01_01_one', join(sa, '..data'));
    symlinkSync('..data/token', join(sa, 'token'));
    const auth = rotatingTokenAuthenticator(join(sa, 'token'));
    const send = async (): Promise<string | undefined> => {
      const options: https.RequestOptions = { headers: {} };
      await auth.applyAuthentication({ name: 'u' }, options);
      return (options.headers as Record<string, string>)['Authorization'];
    };
    assert.equal(await send(), 'Bearer first');
    // Same file, same size and mtime: not read again (one stat per request, no read).
    const first = join(sa, '..2026_01_01_one', 'token');
    utimesSync(first, 1_700_000_000, 1_700_000_000);
    assert.equal(await send(), 'Bearer first');
    writeFileSync(first, 'FIRST');
    utimesSync(first, 1_700_000_000, 1_700_000_000);
    assert.equal(await send(), 'Bearer first');
    symlinkSync('..2026_01_01_two', join(sa, '..data_tmp'));
    renameSync(join(sa, '..data_tmp'), join(sa, '..data'));
    assert.equal(await send(), 'Bearer second');
  });

  it('fails naming the file when the token is gone', async () => {
    const auth = rotatingTokenAuthenticator(join(dir, 'nowhere', 'token'));
    await assert.rejects(
      auth.applyAuthentication({ name: 'u' }, { headers: {} }),
      /nowhere\/token: cannot read it/,
    );
  });
});
