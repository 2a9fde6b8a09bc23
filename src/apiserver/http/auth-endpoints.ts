/**
 * The endpoints served by the authentication and authorization code rather than the store: TokenRequest
 * (`serviceaccounts/NAME/token`) and the self-subject reviews; which route is one of them, and its handler (POST
 * only, 405 otherwise). They are authorized like every resource request before they get here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Authorizer } from '../auth/authorizer.ts';
import type { UserInfo } from '../auth/user.ts';
import { serveReview, type Review } from './verbs/reviews.ts';
import { notAllowed, type ResourceContext, type ResourceRoute } from './verbs/request.ts';
import { serveTokenRequest } from './verbs/token-request.ts';

export interface Auth {
  authenticator: Authenticator;
  authorizer: Authorizer;
}

export type AuthEndpoint =
  { kind: 'token'; namespace: string; name: string } | { kind: 'review'; review: Review };

const reviews: Record<string, Review> = {
  'authorization.k8s.io/v1/selfsubjectaccessreviews': 'selfsubjectaccessreviews',
  'authorization.k8s.io/v1/selfsubjectrulesreviews': 'selfsubjectrulesreviews',
  'authentication.k8s.io/v1/selfsubjectreviews': 'selfsubjectreviews',
};

export function authEndpoint(rt: ResourceRoute): AuthEndpoint | undefined {
  if (
    rt.group === '' &&
    rt.version === 'v1' &&
    rt.plural === 'serviceaccounts' &&
    rt.subresource === 'token'
  ) {
    if (rt.namespace !== undefined && rt.name !== undefined && !rt.watchPath)
      return { kind: 'token', namespace: rt.namespace, name: rt.name };
    return undefined;
  }
  const review = reviews[`${rt.group}/${rt.version}/${rt.plural}`];
  if (review === undefined || rt.namespace !== undefined || rt.name !== undefined || rt.watchPath)
    return undefined;
  return { kind: 'review', review };
}

export async function serveAuthEndpoint(
  ctx: ResourceContext,
  auth: Auth,
  user: UserInfo,
  endpoint: AuthEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if ((req.method ?? 'GET') !== 'POST') throw notAllowed();
  if (endpoint.kind === 'token') return serveTokenRequest(ctx, auth.authenticator, req, res, endpoint);
  return serveReview(ctx, auth.authorizer, user, endpoint.review, req, res);
}
