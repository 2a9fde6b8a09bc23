/**
 * The claims of a ServiceAccount token as kube-apiserver's TokenRequest issues them (pkg/serviceaccount claims.go):
 * iss, sub `system:serviceaccount:NS:NAME`, aud, exp, iat, nbf, jti and the private `kubernetes.io` claim naming
 * the namespace and the ServiceAccount's name and uid; and their check (pure, at a given time): the issuer, one of
 * the API server's audiences, and the validity window with go-jose's one-minute leeway, as kube-apiserver's
 * validator does. Whether the ServiceAccount still exists with that uid is the authenticator's question.
 */
import { serviceAccountUserName } from './user.ts';

/** kube-apiserver's usual `--service-account-issuer`, which is also its default `--api-audiences`. */
export const tokenIssuer = 'https://kubernetes.default.svc.cluster.local';
export const apiAudiences: readonly string[] = [tokenIssuer];
const leewaySeconds = 60;

export interface TokenSubject {
  namespace: string;
  name: string;
  uid: string;
}

export interface TokenTerms {
  audiences: readonly string[];
  /** Issue time, ms since the epoch. */
  now: number;
  expirationSeconds: number;
  jti: string;
}

export function tokenClaims(sa: TokenSubject, terms: TokenTerms): Record<string, unknown> {
  const iat = Math.floor(terms.now / 1000);
  return {
    aud: [...terms.audiences],
    exp: iat + terms.expirationSeconds,
    iat,
    iss: tokenIssuer,
    jti: terms.jti,
    'kubernetes.io': {
      namespace: sa.namespace,
      serviceaccount: { name: sa.name, uid: sa.uid },
    },
    nbf: iat,
    sub: serviceAccountUserName(sa.namespace, sa.name),
  };
}

export type ClaimsCheck = ({ ok: true } & TokenSubject) | { ok: false; why: string };

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function subjectOf(claims: Record<string, unknown>): TokenSubject | undefined {
  const k8s = claims['kubernetes.io'] as
    { namespace?: unknown; serviceaccount?: { name?: unknown; uid?: unknown } } | undefined;
  const sa = {
    namespace: str(k8s?.namespace),
    name: str(k8s?.serviceaccount?.name),
    uid: str(k8s?.serviceaccount?.uid),
  };
  if (!sa.namespace || !sa.name || !sa.uid) return undefined;
  return claims['sub'] === serviceAccountUserName(sa.namespace, sa.name) ? sa : undefined;
}

/** Checks a signed token's claims at `now` (ms) against the issuer and the server's audiences. */
export function checkClaims(
  claims: Record<string, unknown>,
  now: number,
  audiences: readonly string[] = apiAudiences,
): ClaimsCheck {
  if (claims['iss'] !== tokenIssuer) return { ok: false, why: 'token issued by another issuer' };
  const aud = Array.isArray(claims['aud']) ? claims['aud'] : [claims['aud']];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a)))
    return { ok: false, why: 'token audiences do not include the API server' };
  const t = Math.floor(now / 1000);
  const exp = num(claims['exp']);
  const nbf = num(claims['nbf']);
  const iat = num(claims['iat']);
  if (exp === undefined || t > exp + leewaySeconds)
    return { ok: false, why: 'service account token has expired' };
  if (nbf !== undefined && t < nbf - leewaySeconds)
    return { ok: false, why: 'service account token is not valid yet' };
  if (iat !== undefined && t < iat - leewaySeconds)
    return { ok: false, why: 'service account token is issued in the future' };
  const sa = subjectOf(claims);
  return sa ? { ok: true, ...sa } : { ok: false, why: 'token claims do not name a service account' };
}
