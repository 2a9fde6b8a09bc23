// A kovn process's in-cluster configuration (src/kube/process-config.ts) against kovn's embedded API server, with
// real ServiceAccount tokens from its TokenRequest API written where kubelet would mount them: the process is who
// the mounted token says (SelfSubjectReview, `kubectl auth whoami`), trusts the server through the mounted ca.crt,
// and after the token file is rotated the very next request carries the new token.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadProcessConfig } from '../../../src/kube/process-config.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { embeddedApiServer } from '../../support/embedded-apiserver.ts';

async function tokenOf(admin: KubeConfig, name: string): Promise<string> {
  await kubeRequest(admin, {
    method: 'POST',
    path: '/api/v1/namespaces/kube-system/serviceaccounts',
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
  });
  const issued = await kubeRequest<{ status: { token: string } }>(admin, {
    method: 'POST',
    path: `/api/v1/namespaces/kube-system/serviceaccounts/${name}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return issued.status.token;
}

async function whoami(kc: KubeConfig): Promise<string> {
  const review = await kubeRequest<{ status: { userInfo: { username: string } } }>(kc, {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  return review.status.userInfo.username;
}

test('in a pod: the mounted ServiceAccount token, CA and namespace; a rotated token is used at once', async (t) => {
  const lab = await embeddedApiServer(t);
  const mount = mkdtempSync(join(tmpdir(), 'kovn-sa-mount-'));
  t.after(() => rmSync(mount, { recursive: true, force: true }));
  // Kubelet's atomic writer: timestamped directories, `..data` pointing at the current one, files linked through it.
  const publish = (dir: string, files: Record<string, string>): void => {
    mkdirSync(join(mount, dir));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(mount, dir, name), content);
    symlinkSync(dir, join(mount, '..data_tmp'));
    renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
  };
  const base = { 'ca.crt': lab.server.caPem, namespace: 'kube-system' };
  publish('..one', { ...base, token: await tokenOf(lab.kubeConfig, 'kovn-controller') });
  for (const name of ['token', 'ca.crt', 'namespace']) symlinkSync(`..data/${name}`, join(mount, name));

  const url = new URL(lab.server.url);
  const config = loadProcessConfig({
    env: { KUBERNETES_SERVICE_HOST: url.hostname.replace(/^\[|\]$/g, ''), KUBERNETES_SERVICE_PORT: url.port },
    serviceAccountDir: mount,
  });
  assert.equal(config.from, 'in-cluster');
  assert.equal(config.namespace, 'kube-system');
  assert.equal(await whoami(config.kubeConfig), 'system:serviceaccount:kube-system:kovn-controller');

  publish('..two', { ...base, token: await tokenOf(lab.kubeConfig, 'kovn-node') });
  assert.equal(await whoami(config.kubeConfig), 'system:serviceaccount:kube-system:kovn-node');
});
