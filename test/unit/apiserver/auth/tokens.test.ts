// ServiceAccount tokens (src/apiserver/auth/jwt.ts, sa-claims.ts, authenticator.ts) and the 403's wording
// (refusal.ts): the key is made once (0600) and reused; a token's claims are kube-apiserver's; it authenticates as
// the ServiceAccount until it expires (with the one-minute leeway), and not when tampered with, signed by another
// key, for another audience, or after its ServiceAccount was deleted or re-created with another uid.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import type { KubeObject } from '../../../../src/api/types.ts';
import { Authenticator } from '../../../../src/apiserver/auth/authenticator.ts';
import { loadOrCreateSigningKey, signJwt, verifyJwt } from '../../../../src/apiserver/auth/jwt.ts';
import { refusal } from '../../../../src/apiserver/auth/refusal.ts';
import { checkClaims, tokenClaims } from '../../../../src/apiserver/auth/sa-claims.ts';
import { adminUser, serviceAccountUser } from '../../../../src/apiserver/auth/user.ts';
import { FakeClock } from '../../../../src/util/clock.ts';

const dir = mkdtempSync(join(tmpdir(), 'kovn-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('service account tokens', () => {
  const keyPath = join(dir, 'sa.key');
  const key = loadOrCreateSigningKey(keyPath);
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const account = (uid: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'ctl', namespace: 'kube-system', uid },
  });
  const accounts = new Map<string, KubeObject>([['kube-system/ctl', account('uid-1')]]);
  const authn = new Authenticator({
    adminToken: 'admin-secret',
    signingKey: key,
    clock,
    log: pino({ level: 'silent' }),
    serviceAccount: (ns, name) => accounts.get(`${ns}/${name}`),
  });
  const sa = { namespace: 'kube-system', name: 'ctl', uid: 'uid-1' };
  const bearer = (token: string): string => `Bearer ${token}`;

  it('keeps the signing key in a 0600 file and reuses it', () => {
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    assert.equal(loadOrCreateSigningKey(keyPath).kid, key.kid);
  });

  it("writes kube-apiserver's claims", () => {
    const claims = tokenClaims(sa, { audiences: ['a'], now: 1_000_500, expirationSeconds: 600, jti: 'j' });
    assert.deepEqual(claims, {
      aud: ['a'],
      exp: 1600,
      iat: 1000,
      iss: 'https://kubernetes.default.svc.cluster.local',
      jti: 'j',
      'kubernetes.io': { namespace: 'kube-system', serviceaccount: { name: 'ctl', uid: 'uid-1' } },
      nbf: 1000,
      sub: 'system:serviceaccount:kube-system:ctl',
    });
  });

  it('authenticates the admin token and a fresh token', () => {
    assert.equal(authn.authenticate('Bearer admin-secret'), adminUser);
    const { token, expires } = authn.issue(sa, [], 3600);
    assert.equal(expires, clock.now() + 3600_000);
    assert.deepEqual(authn.authenticate(bearer(token)), serviceAccountUser('kube-system', 'ctl', 'uid-1'));
    assert.deepEqual(authn.authenticate(bearer(token))?.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:kube-system',
      'system:authenticated',
    ]);
  });

  it('refuses a missing or malformed header and a bogus token', () => {
    for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer bogus', 'Bearer a.b.c'])
      assert.equal(authn.authenticate(header), undefined, String(header));
  });

  it('refuses a token past its expiry and the leeway, not before', () => {
    const { token } = authn.issue(sa, [], 600);
    clock.advance(600_000 + 60_000);
    assert.ok(authn.authenticate(bearer(token)), 'within the leeway');
    clock.advance(1000);
    assert.equal(authn.authenticate(bearer(token)), undefined);
  });

  it('refuses a tampered token and one signed by another key', () => {
    const { token } = authn.issue(sa, [], 3600);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...tokenClaims(sa, { audiences: [], now: 0, expirationSeconds: 1e9, jti: '' }) }),
    ).toString('base64url');
    assert.equal(authn.authenticate(bearer(`${h}.${forged}.${s}`)), undefined);
    const otherKey = loadOrCreateSigningKey(join(dir, 'other.key'));
    const foreign = signJwt(
      otherKey,
      tokenClaims(sa, {
        audiences: ['https://kubernetes.default.svc.cluster.local'],
        now: clock.now(),
        expirationSeconds: 3600,
        jti: 'x',
      }),
    );
    assert.ok(verifyJwt(otherKey, foreign));
    assert.equal(authn.authenticate(bearer(foreign)), undefined);
  });

  it('refuses a token for another audience', () => {
    const { token } = authn.issue(sa, ['vault'], 3600);
    assert.equal(authn.authenticate(bearer(token)), undefined);
    assert.deepEqual(checkClaims(verifyJwt(key, token)?.claims ?? {}, clock.now()), {
      ok: false,
      why: 'token audiences do not include the API server',
    });
  });

  it('refuses a token once its ServiceAccount is deleted, or re-created with another uid', () => {
    const { token } = authn.issue(sa, [], 3600);
    accounts.delete('kube-system/ctl');
    assert.equal(authn.authenticate(bearer(token)), undefined);
    accounts.set('kube-system/ctl', account('uid-2'));
    assert.equal(authn.authenticate(bearer(token)), undefined);
    const fresh = authn.issue({ ...sa, uid: 'uid-2' }, [], 3600);
    assert.ok(authn.authenticate(bearer(fresh.token)));
  });
});

describe('the 403 of a refused request', () => {
  const user = serviceAccountUser('kube-system', 'x', 'u');
  const cases: Array<
    [what: string, attrs: Parameters<typeof refusal>[1], reason: string, message: string, details: unknown]
  > = [
    [
      'cluster scope',
      {
        resourceRequest: true,
        verb: 'list',
        group: 'kubeovn.io',
        version: 'v1',
        resource: 'subnets',
        subresource: '',
        name: '',
        namespace: '',
      },
      '',
      'subnets.kubeovn.io is forbidden: User "system:serviceaccount:kube-system:x" cannot list resource "subnets" in API group "kubeovn.io" at the cluster scope',
      { group: 'kubeovn.io', kind: 'subnets' },
    ],
    [
      'a named object in a namespace, a subresource, core group',
      {
        resourceRequest: true,
        verb: 'patch',
        group: '',
        version: 'v1',
        resource: 'pods',
        subresource: 'status',
        name: 'p',
        namespace: 'default',
      },
      '',
      'pods "p" is forbidden: User "system:serviceaccount:kube-system:x" cannot patch resource "pods/status" in API group "" in the namespace "default"',
      { name: 'p', group: '', kind: 'pods' },
    ],
    [
      'with the RBAC reason',
      {
        resourceRequest: true,
        verb: 'create',
        group: '',
        version: 'v1',
        resource: 'secrets',
        subresource: '',
        name: '',
        namespace: 'default',
      },
      'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
      'secrets is forbidden: User "system:serviceaccount:kube-system:x" cannot create resource "secrets" in API group "" in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
      { group: '', kind: 'secrets' },
    ],
    [
      'a path',
      { resourceRequest: false, verb: 'get', path: '/readyz/store' },
      '',
      'forbidden: User "system:serviceaccount:kube-system:x" cannot get path "/readyz/store"',
      {},
    ],
  ];
  for (const [what, attrs, reason, message, details] of cases) {
    it(what, () => {
      const status = refusal(user, attrs, reason).toStatus();
      assert.equal(status.code, 403);
      assert.equal(status.reason, 'Forbidden');
      assert.equal(status.message, message);
      assert.deepEqual(status.details, details);
    });
  }
});
