/**
 * The reviews a user asks about itself, answered from the request's own user and never stored:
 * `authorization.k8s.io/v1` SelfSubjectAccessReview (`kubectl auth can-i VERB RESOURCE`: spec.resourceAttributes
 * or spec.nonResourceAttributes -> status.allowed), SelfSubjectRulesReview (`kubectl auth can-i --list`:
 * spec.namespace -> status.resourceRules, nonResourceRules, incomplete) and `authentication.k8s.io/v1`
 * SelfSubjectReview (`kubectl auth whoami`: status.userInfo). Each answers 201 with the review and its status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes } from '../../auth/attributes.ts';
import type { Authorizer } from '../../auth/authorizer.ts';
import type { UserInfo } from '../../auth/user.ts';
import { rejection } from '../../status.ts';
import { sendJson } from '../respond.ts';
import { requestBody, type ResourceContext } from './request.ts';

export type Review = 'selfsubjectaccessreviews' | 'selfsubjectrulesreviews' | 'selfsubjectreviews';

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The attributes a SelfSubjectAccessReview's spec asks about; exactly one of the two kinds (else 422). */
export function reviewAttributes(spec: Json): Attributes {
  const ra = spec['resourceAttributes'] as Json | undefined;
  const nra = spec['nonResourceAttributes'] as Json | undefined;
  if ((ra === undefined) === (nra === undefined)) {
    throw rejection(
      {
        group: 'authorization.k8s.io',
        resource: 'selfsubjectaccessreviews',
        kind: 'SelfSubjectAccessReview',
      },
      '',
      [
        {
          field: 'spec.resourceAttributes',
          type: 'FieldValueInvalid',
          value: ra ?? null,
          message: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
        },
      ],
    );
  }
  if (nra) return { resourceRequest: false, verb: str(nra['verb']), path: str(nra['path']) };
  return {
    resourceRequest: true,
    verb: str(ra?.['verb']),
    group: str(ra?.['group']),
    version: str(ra?.['version']),
    resource: str(ra?.['resource']),
    subresource: str(ra?.['subresource']),
    name: str(ra?.['name']),
    namespace: str(ra?.['namespace']),
  };
}

function rulesStatus(authorizer: Authorizer, user: UserInfo, namespace: string): Json {
  const { rules, errors } = authorizer.rulesIn(user, namespace);
  const resourceRules = [];
  const nonResourceRules = [];
  for (const r of rules) {
    if (r.nonResourceURLs?.length)
      nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
    else
      resourceRules.push({
        verbs: r.verbs,
        apiGroups: r.apiGroups ?? [],
        resources: r.resources ?? [],
        ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
      });
  }
  return {
    resourceRules,
    nonResourceRules,
    incomplete: errors.length > 0,
    ...(errors.length ? { evaluationError: errors.join(', ') } : {}),
  };
}

function answer(review: Review, spec: Json, authorizer: Authorizer, user: UserInfo): Json {
  switch (review) {
    case 'selfsubjectaccessreviews': {
      const decision = authorizer.authorize(user, reviewAttributes(spec));
      return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
    }
    case 'selfsubjectrulesreviews':
      return rulesStatus(authorizer, user, str(spec['namespace']));
    case 'selfsubjectreviews':
      return {
        userInfo: { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups },
      };
  }
}

const kinds: Record<Review, [apiVersion: string, kind: string]> = {
  selfsubjectaccessreviews: ['authorization.k8s.io/v1', 'SelfSubjectAccessReview'],
  selfsubjectrulesreviews: ['authorization.k8s.io/v1', 'SelfSubjectRulesReview'],
  selfsubjectreviews: ['authentication.k8s.io/v1', 'SelfSubjectReview'],
};

export async function serveReview(
  ctx: ResourceContext,
  authorizer: Authorizer,
  user: UserInfo,
  review: Review,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = ((await requestBody(ctx, req)) ?? {}) as Json;
  const spec = (body['spec'] ?? {}) as Json;
  const [apiVersion, kind] = kinds[review];
  sendJson(res, 201, {
    kind,
    apiVersion,
    metadata: { creationTimestamp: null },
    ...(review === 'selfsubjectreviews' ? {} : { spec }),
    status: answer(review, spec, authorizer, user),
  });
}
