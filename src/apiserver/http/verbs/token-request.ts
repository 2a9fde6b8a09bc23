/**
 * `POST /api/v1/namespaces/NS/serviceaccounts/NAME/token`, kube-apiserver's TokenRequest (authentication.k8s.io/v1):
 * `spec.audiences` (default: the API server's), `spec.expirationSeconds` (default 3600, at least 600, at most
 * 2^32, else 422 as ValidateTokenRequest words it) -> 201 with `status.token` (a JWT bound to the ServiceAccount's
 * uid) and `status.expirationTimestamp`; 404 for a ServiceAccount that does not exist. `spec.boundObjectRef`
 * (binding to a Pod or Secret) is not supported and ignored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../../auth/authenticator.ts';
import { apiAudiences } from '../../auth/sa-claims.ts';
import { metaTime } from '../../../util/time.ts';
import { notFound, rejection } from '../../status.ts';
import { sendJson } from '../respond.ts';
import { requestBody, type ResourceContext } from './request.ts';

const tokenRequest = { group: 'authentication.k8s.io', resource: 'tokenrequests', kind: 'TokenRequest' };
const serviceAccounts = { group: '', resource: 'serviceaccounts', kind: 'ServiceAccount' };
const defaultExpirationSeconds = 3600;

interface TokenRequestSpec {
  audiences?: unknown;
  expirationSeconds?: unknown;
}

function expirationOf(spec: TokenRequestSpec, name: string): number {
  const value = spec.expirationSeconds ?? defaultExpirationSeconds;
  const invalid = (message: string): Error =>
    rejection(tokenRequest, name, [
      { field: 'spec.expirationSeconds', type: 'FieldValueInvalid', value, message },
    ]);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid('must be an integer');
  if (value < 600) throw invalid('may not specify a duration less than 10 minutes');
  if (value > 2 ** 32) throw invalid('may not specify a duration larger than 2^32 seconds');
  return value;
}

function audiencesOf(spec: TokenRequestSpec): string[] {
  const list = Array.isArray(spec.audiences) ? spec.audiences.filter((a) => typeof a === 'string') : [];
  return list.length ? list : [...apiAudiences];
}

export async function serveTokenRequest(
  ctx: ResourceContext,
  authenticator: Authenticator,
  req: IncomingMessage,
  res: ServerResponse,
  target: { namespace: string; name: string },
): Promise<void> {
  const body = (await requestBody(ctx, req)) as { spec?: TokenRequestSpec } | undefined;
  const spec = body?.spec ?? {};
  const expirationSeconds = expirationOf(spec, target.name);
  const audiences = audiencesOf(spec);
  const r = ctx.core.catalog.forKind('ServiceAccount');
  const sa = r ? ctx.core.get(r, target.namespace, target.name) : undefined;
  if (!sa || sa.metadata.deletionTimestamp) throw notFound(serviceAccounts, target.name);
  const issued = authenticator.issue(
    { namespace: target.namespace, name: target.name, uid: sa.metadata.uid ?? '' },
    audiences,
    expirationSeconds,
  );
  sendJson(res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: target.name, namespace: target.namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: null },
    status: { token: issued.token, expirationTimestamp: metaTime(issued.expires) },
  });
}
