/**
 * Range reads of one resource in (namespace, name) order after a position, as it is now or as it was at a past
 * revision: the snapshot a paged list is served from, as etcd's reads at a revision are for kube-apiserver.
 * An object's state at revision S is its current row when that row is not newer than S; otherwise it is the `prev`
 * body of its first event after S, or nothing when that event is its ADDED. The event log holds every event after
 * the compacted revision, and commit records as `prev` the row it replaces, so any S >= the compacted revision can
 * be read exactly. Owns no table: it reads store.ts's `objects` and `events` (their schema is there).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { KubeObject } from '../../api/types.ts';

/** A key in a resource's (namespace, name) order; reads start after it. */
export interface Position {
  namespace: string;
  name: string;
}

type Where = 'namespace' | 'all';

/** Rows after the position: within one namespace, or across all (`:ns` is then the position's namespace). */
const after: Record<Where, string> = {
  namespace: 'namespace = :ns AND name > :name',
  all: '(namespace > :ns OR (namespace = :ns AND name > :name))',
};

/** The objects as they were at `:at`: unchanged rows, plus the state before the first later event of the others. */
const atRevision = (where: Where): string => `
  SELECT namespace, name, body FROM objects WHERE resource = :resource AND rv <= :at AND ${after[where]}
  UNION ALL
  SELECT namespace, name, prev AS body FROM (
    SELECT namespace, name, type, prev, min(rv) FROM events
    WHERE resource = :resource AND rv > :at AND ${after[where]} GROUP BY namespace, name)
  WHERE type <> 'ADDED' AND prev IS NOT NULL
  ORDER BY namespace, name`;

interface Statements {
  current: StatementSync;
  past: StatementSync;
  count: StatementSync;
  changes: StatementSync;
}

export class RangeReads {
  readonly #by: Record<Where, Statements>;

  constructor(db: DatabaseSync) {
    const statements = (where: Where): Statements => ({
      current: db.prepare(
        `SELECT body FROM objects WHERE resource = :resource AND ${after[where]} ORDER BY namespace, name`,
      ),
      past: db.prepare(atRevision(where)),
      count: db.prepare(`SELECT count(*) AS n FROM objects WHERE resource = :resource AND ${after[where]}`),
      changes: db.prepare(
        `SELECT namespace, name, type FROM events WHERE resource = :resource AND rv > :at AND ${after[where]} ORDER BY rv`,
      ),
    });
    this.#by = { namespace: statements('namespace'), all: statements('all') };
  }

  /** Objects after `position` (in `namespace`, or all), now or (`at`) as they were at that revision; read lazily. */
  *scan(
    resource: string,
    namespace: string | undefined,
    position: Position | undefined,
    at?: number,
  ): Generator<KubeObject> {
    const { where, params } = this.#params(resource, namespace, position);
    const s = this.#by[where];
    const rows = at === undefined ? s.current.iterate(params) : s.past.iterate({ ...params, at });
    for (const row of rows) yield JSON.parse((row as { body: string }).body) as KubeObject;
  }

  /**
   * How many objects follow `position`, now or at revision `at`: the current count, corrected for each key changed
   * since (+1 if it existed at `at`, -1 if it exists now), so the objects table is only counted through its index.
   */
  countAfter(
    resource: string,
    namespace: string | undefined,
    position: Position | undefined,
    at?: number,
  ): number {
    const { where, params } = this.#params(resource, namespace, position);
    const s = this.#by[where];
    let n = Number((s.count.get(params) as { n: number }).n);
    if (at === undefined) return n;
    const changed = new Map<string, { first: string; last: string }>();
    for (const row of s.changes.iterate({ ...params, at })) {
      const { namespace: ns, name, type } = row as { namespace: string; name: string; type: string };
      const key = `${ns}/${name}`;
      const seen = changed.get(key);
      if (seen) seen.last = type;
      else changed.set(key, { first: type, last: type });
    }
    for (const { first, last } of changed.values())
      n += Number(first !== 'ADDED') - Number(last !== 'DELETED');
    return n;
  }

  #params(
    resource: string,
    namespace: string | undefined,
    position: Position | undefined,
  ): { where: Where; params: { resource: string; ns: string; name: string } } {
    const name = position?.name ?? '';
    if (namespace !== undefined) return { where: 'namespace', params: { resource, ns: namespace, name } };
    return { where: 'all', params: { resource, ns: position?.namespace ?? '', name } };
  }
}
