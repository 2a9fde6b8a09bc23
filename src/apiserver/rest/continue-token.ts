/**
 * The `continue` token of a paged list: the revision the list's first page was read at (every later page is read
 * as of that revision, so the pages form one snapshot) and the last key returned. As kube-apiserver's tokens, it is
 * opaque to clients (base64url JSON) and a revision of -1 means "the latest": the token a 410 Expired answer
 * offers, to list the remainder without the snapshot. A list without selectors also carries how many objects remain,
 * so later pages subtract instead of counting again (the snapshot does not change).
 */
import type { Position } from '../store/reads.ts';
import { badRequest } from '../status.ts';

export interface ContinueToken {
  /** The snapshot's revision, or `latestRevision`. */
  revision: number;
  /** The last key returned; the next page starts after it. */
  after: Position;
  /** Objects after `after` in the snapshot, when the list has no selectors. */
  remaining?: number;
}

export const latestRevision = -1;

const version = 'kovn/1';

export function encodeContinue(token: ContinueToken): string {
  const { revision, after, remaining } = token;
  const content = { v: version, rv: revision, ns: after.namespace, n: after.name, rem: remaining };
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

function parse(token: string): ContinueToken {
  const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
    v?: unknown;
    rv?: unknown;
    ns?: unknown;
    n?: unknown;
    rem?: unknown;
  };
  if (parsed.v !== version) throw new Error(`unknown version (expected ${version})`);
  const { rv, ns, n, rem } = parsed;
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || (rv < 1 && rv !== latestRevision))
    throw new Error(`incorrect encoded start resourceVersion (version ${version})`);
  if (typeof ns !== 'string' || typeof n !== 'string') throw new Error('no start key');
  const after = { namespace: ns, name: n };
  if (rem === undefined) return { revision: rv, after };
  if (typeof rem !== 'number' || !Number.isSafeInteger(rem) || rem < 0)
    throw new Error('bad remaining count');
  return { revision: rv, after, remaining: rem };
}

/** Reads a client's token; a malformed one is a 400, as kube-apiserver answers. */
export function decodeContinue(token: string): ContinueToken {
  try {
    return parse(token);
  } catch (error) {
    throw badRequest(`continue key is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}
