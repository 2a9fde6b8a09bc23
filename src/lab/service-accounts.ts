/**
 * The lab runs kovn's components as a cluster does: with the ServiceAccounts and least-privilege RBAC that
 * `kovn install` renders (src/install/rbac.ts), created in the lab's API server, and a kubeconfig per component that
 * carries a token of its own ServiceAccount (TokenRequest, a year long: a lab does not live that long). A permission
 * missing from the rendering therefore fails the lab's own tests. Idempotent (kube/applier.ts): an object already
 * there is written only where it differs from the rendering.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { KubeApplier } from '../kube/applier.ts';
import { kubeRequest } from '../kube/request.ts';
import { objectPath } from '../kube/resources.ts';
import { COMPONENTS, rbacObjects, type Component } from '../install/rbac.ts';

export const COMPONENT_NAMESPACE = 'kube-system';
const TOKEN_SECONDS = 365 * 24 * 3600;

/** Creates every component's ServiceAccount and RBAC as rendered. */
export async function applyComponentRbac(kc: KubeConfig): Promise<void> {
  const applier = new KubeApplier(kc);
  for (const c of COMPONENTS) {
    for (const obj of rbacObjects(c, COMPONENT_NAMESPACE)) await applier.apply(obj, undefined);
  }
}

/** A kubeconfig like `adminKubeconfig` whose user is component `c`'s ServiceAccount; returns its path. */
export async function componentKubeconfig(
  kc: KubeConfig,
  c: Component,
  adminKubeconfig: string,
  dir: string,
): Promise<string> {
  const name = c.serviceAccount;
  const review = await kubeRequest<{ status: { token: string } }>(kc, {
    method: 'POST',
    path: objectPath('ServiceAccount', name, COMPONENT_NAMESPACE, 'token'),
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: TOKEN_SECONDS },
    },
  });
  const doc = parse(readFileSync(adminKubeconfig, 'utf8')) as {
    users: { name: string; user: Record<string, unknown> }[];
    contexts: { context: { user: string } }[];
  };
  const user = `system:serviceaccount:${COMPONENT_NAMESPACE}:${name}`;
  doc.users = [{ name: user, user: { token: review.status.token } }];
  for (const ctx of doc.contexts) ctx.context.user = user;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
