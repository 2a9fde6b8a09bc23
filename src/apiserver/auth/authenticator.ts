/**
 * Authentication of a request's bearer token, as kube-apiserver's token authenticators answer it: the lab admin's
 * token (compared in constant time) is `kovn-admin` in `system:masters`; any other token must be a ServiceAccount
 * JWT this server signed, within its validity window, for one of the server's audiences, and bound to a
 * ServiceAccount that still exists with the uid in the token (a deleted and re-created ServiceAccount invalidates
 * its old tokens). Anything else is no user (the handler answers 401). Also issues the tokens (TokenRequest).
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import type { Clock } from '../../util/clock.ts';
import { signJwt, verifyJwt, type SigningKey } from './jwt.ts';
import { apiAudiences, checkClaims, tokenClaims, type TokenSubject } from './sa-claims.ts';
import { adminUser, serviceAccountUser, type UserInfo } from './user.ts';

export interface AuthenticatorOptions {
  adminToken: string;
  signingKey: SigningKey;
  clock: Clock;
  log: Logger;
  /** The stored ServiceAccount NS/NAME, if any. */
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
}

export interface IssuedToken {
  token: string;
  /** Expiry, ms since the epoch. */
  expires: number;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export class Authenticator {
  readonly #o: AuthenticatorOptions;
  readonly #adminDigest: Buffer;

  constructor(options: AuthenticatorOptions) {
    this.#o = options;
    this.#adminDigest = digest(options.adminToken);
  }

  /** The user an `Authorization` header names; undefined when there is no valid bearer token. */
  authenticate(header: string | undefined): UserInfo | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const token = m?.[1];
    if (token === undefined) return undefined;
    if (timingSafeEqual(digest(token), this.#adminDigest)) return adminUser;
    return this.#serviceAccountUser(token);
  }

  #serviceAccountUser(token: string): UserInfo | undefined {
    const jwt = verifyJwt(this.#o.signingKey, token);
    if (!jwt) return undefined;
    const check = checkClaims(jwt.claims, this.#o.clock.now());
    if (!check.ok) return this.#refuse(check.why);
    const sa = this.#o.serviceAccount(check.namespace, check.name);
    if (!sa || sa.metadata.deletionTimestamp)
      return this.#refuse(`serviceaccounts "${check.name}" not found`);
    if (sa.metadata.uid !== check.uid)
      return this.#refuse(
        `the UID in the token (${check.uid}) does not match the UID of the ServiceAccount (${sa.metadata.uid ?? ''})`,
      );
    return serviceAccountUser(check.namespace, check.name, check.uid);
  }

  #refuse(why: string): undefined {
    this.#o.log.info({ why }, 'service account token refused');
    return undefined;
  }

  /** A token for the ServiceAccount, valid from now for `expirationSeconds`, for `audiences` (default: this server). */
  issue(sa: TokenSubject, audiences: readonly string[], expirationSeconds: number): IssuedToken {
    const now = this.#o.clock.now();
    const claims = tokenClaims(sa, {
      audiences: audiences.length ? audiences : apiAudiences,
      now,
      expirationSeconds,
      jti: randomUUID(),
    });
    return { token: signJwt(this.#o.signingKey, claims), expires: (claims['exp'] as number) * 1000 };
  }
}
