/**
 * Durable object storage in one SQLite file (node:sqlite, WAL, synchronous=FULL): the objects, an event log
 * that backs watch resumption and the snapshots paged lists are read from (reads.ts), an owner index for garbage
 * collection, and a single global revision counter that is every object's resourceVersion. Each commit is one
 * transaction; each change in it takes the next revision and writes its object row and event row together, so an
 * acknowledged write survives kill -9 and a watch can resume after a restart. The event log keeps a bounded
 * window; older revisions are "compacted".
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { KubeObject } from '../../api/types.ts';
import { abandonTransaction, StoreError } from './errors.ts';
import { RangeReads } from './reads.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  type: EventType;
  /** `group/plural` */
  resource: string;
  namespace: string;
  name: string;
  object: KubeObject;
  /** The object before a MODIFIED/DELETED change (for selector transitions in watches). */
  prev: KubeObject | undefined;
  /** `object` serialised, when the store already had it (saves re-encoding per watcher). */
  json?: string;
}

export interface Change {
  type: EventType;
  resource: string;
  /** The new object (ADDED/MODIFIED) or its last state (DELETED); its resourceVersion is set by commit. */
  object: KubeObject;
  prev?: KubeObject | undefined;
}

export interface ObjectRef {
  resource: string;
  namespace: string;
  name: string;
}

export interface StoreOptions {
  /** Events kept for watch resumption (default 10,000). */
  eventWindow?: number;
  /** Largest database file (as etcd's --quota-backend-bytes); writes beyond it fail with SQLITE_FULL. */
  quotaBytes?: number;
}

export class Store {
  private readonly db: DatabaseSync;
  private readonly window: number;
  private rev: number;
  private compacted: number;
  private readonly stmts: Record<string, StatementSync>;
  private writesSinceCompaction = 0;
  private readonly reads: RangeReads;
  /** The last write's failure while it was the storage's (the store is wedged until a write commits). */
  private wedged: StoreError | undefined;

  constructor(path: string, options: StoreOptions = {}) {
    this.window = options.eventWindow ?? 10_000;
    this.db = new DatabaseSync(path);
    try {
      // One server per data directory: the exclusive lock is held until close (the OS drops it if the process dies).
      this.db.exec(
        'PRAGMA busy_timeout = 2000; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; BEGIN EXCLUSIVE; COMMIT;',
      );
    } catch (error) {
      this.db.close();
      throw new Error(`store ${path} is in use by another process`, { cause: error });
    }
    this.db.exec(`
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS objects (
        resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        uid TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (resource, namespace, name));
      CREATE INDEX IF NOT EXISTS objects_uid ON objects (uid);
      CREATE TABLE IF NOT EXISTS owners (
        owner_uid TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        PRIMARY KEY (owner_uid, resource, namespace, name));
      CREATE TABLE IF NOT EXISTS events (
        rv INTEGER PRIMARY KEY, type TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL,
        name TEXT NOT NULL, body TEXT NOT NULL, prev TEXT);
      CREATE INDEX IF NOT EXISTS events_resource ON events (resource, rv);
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta (k, v) VALUES ('revision', 1), ('compacted', 0);
    `);
    if (options.quotaBytes !== undefined) {
      const { page_size } = this.db.prepare('PRAGMA page_size').get() as { page_size: number };
      const pages = Math.max(1, Math.floor(options.quotaBytes / Number(page_size)));
      this.db.exec(`PRAGMA max_page_count = ${pages}`);
    }
    const s = (sql: string): StatementSync => this.db.prepare(sql);
    this.stmts = {
      get: s('SELECT body FROM objects WHERE resource = ? AND namespace = ? AND name = ?'),
      byUid: s('SELECT resource, namespace, name FROM objects WHERE uid = ?'),
      upsert: s(`INSERT INTO objects (resource, namespace, name, uid, rv, body) VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (resource, namespace, name) DO UPDATE SET uid = excluded.uid, rv = excluded.rv, body = excluded.body`),
      remove: s('DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?'),
      event: s(
        'INSERT INTO events (rv, type, resource, namespace, name, body, prev) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      ownersClear: s('DELETE FROM owners WHERE resource = ? AND namespace = ? AND name = ?'),
      ownerAdd: s('INSERT OR IGNORE INTO owners (owner_uid, resource, namespace, name) VALUES (?, ?, ?, ?)'),
      dependents: s('SELECT resource, namespace, name FROM owners WHERE owner_uid = ?'),
      setMeta: s('UPDATE meta SET v = ? WHERE k = ?'),
      getMeta: s('SELECT v FROM meta WHERE k = ?'),
      compact: s('DELETE FROM events WHERE rv <= ?'),
      countAll: s('SELECT count(*) AS n FROM objects'),
      since: s(
        'SELECT rv, type, resource, namespace, name, body, prev FROM events WHERE rv > ? AND resource = ? ORDER BY rv',
      ),
      sinceAll: s(
        'SELECT rv, type, resource, namespace, name, body, prev FROM events WHERE rv > ? ORDER BY rv',
      ),
      namespaceContents: s('SELECT resource, name FROM objects WHERE namespace = ? ORDER BY resource, name'),
      deleting: s(`SELECT resource, namespace, name FROM objects WHERE body LIKE '%"deletionTimestamp"%'`),
      dangling: s(
        'SELECT DISTINCT owner_uid AS uid FROM owners WHERE owner_uid NOT IN (SELECT uid FROM objects)',
      ),
    };
    this.rev = this.meta('revision');
    this.compacted = this.meta('compacted');
    this.reads = new RangeReads(this.db);
  }

  private meta(k: string): number {
    const row = this.stmts.getMeta!.get(k) as { v: number } | undefined;
    return row ? Number(row.v) : 0;
  }

  /** The latest committed revision. */
  revision(): number {
    return this.rev;
  }

  /** Events at or below this revision have been dropped from the log; watches from there get 410 Gone. */
  compactedRevision(): number {
    return this.compacted;
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    const row = this.stmts.get!.get(resource, namespace, name) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as KubeObject) : undefined;
  }

  findUid(uid: string): ObjectRef | undefined {
    const row = this.stmts.byUid!.get(uid) as ObjectRef | undefined;
    return row ? { resource: row.resource, namespace: row.namespace, name: row.name } : undefined;
  }

  /** Objects whose ownerReferences name this uid. */
  dependents(ownerUid: string): ObjectRef[] {
    return (this.stmts.dependents!.all(ownerUid) as unknown as ObjectRef[]).map((r) => ({
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
    }));
  }

  /** Every object in a namespace, across resources. */
  namespaceContents(namespace: string): Array<{ resource: string; name: string }> {
    return this.stmts.namespaceContents!.all(namespace) as unknown as Array<{
      resource: string;
      name: string;
    }>;
  }

  /** Objects that carry a deletionTimestamp (work left for the garbage collector after a restart). */
  deletingObjects(): ObjectRef[] {
    return this.stmts.deleting!.all() as unknown as ObjectRef[];
  }

  /** Owner uids that dependents still name but no object has. */
  danglingOwners(): string[] {
    return (this.stmts.dangling!.all() as Array<{ uid: string }>).map((r) => r.uid);
  }

  count(): number {
    return Number((this.stmts.countAll!.get() as { n: number }).n);
  }

  /**
   * Objects of a resource in (namespace, name) order after a position (pagination), lazily read: as they are now,
   * or as they were at revision `at` (a paged list's snapshot; needs `at >= compactedRevision()`, see reads.ts).
   */
  scan(...args: Parameters<RangeReads['scan']>): Generator<KubeObject> {
    return this.reads.scan(...args);
  }

  /** How many objects `scan` with the same arguments would yield (a list's remainingItemCount). */
  countAfter(...args: Parameters<RangeReads['countAfter']>): number {
    return this.reads.countAfter(...args);
  }

  /** Events after a revision (for one resource, or all), oldest first. */
  eventsSince(rv: number, resource?: string): StoredEvent[] {
    const rows = resource === undefined ? this.stmts.sinceAll!.all(rv) : this.stmts.since!.all(rv, resource);
    return rows.map((r) => {
      const row = r as {
        rv: number;
        type: EventType;
        resource: string;
        namespace: string;
        name: string;
        body: string;
        prev: string | null;
      };
      return {
        rv: Number(row.rv),
        type: row.type,
        resource: row.resource,
        namespace: row.namespace,
        name: row.name,
        object: JSON.parse(row.body) as KubeObject,
        prev: row.prev === null ? undefined : (JSON.parse(row.prev) as KubeObject),
        json: row.body,
      };
    });
  }

  /**
   * Applies changes in one transaction, giving each the next revision; returns their events once durable. A failure
   * applies nothing and throws a StoreError with SQLite's code (errors.ts), or the caller's own error as it is.
   */
  commit(changes: readonly Change[]): StoredEvent[] {
    if (!changes.length) return [];
    const events: StoredEvent[] = [];
    let rev = this.rev;
    let compactedTo: number | undefined;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const change of changes) {
        rev += 1;
        const object: KubeObject = {
          ...change.object,
          metadata: { ...change.object.metadata, resourceVersion: String(rev) },
        };
        const namespace = object.metadata.namespace ?? '';
        const name = object.metadata.name ?? '';
        const body = JSON.stringify(object);
        // The history keeps the row this change replaces, whatever the caller passed (snapshot reads rely on it).
        const replaced = this.stmts.get!.get(change.resource, namespace, name) as
          { body: string } | undefined;
        this.stmts.ownersClear!.run(change.resource, namespace, name);
        if (change.type === 'DELETED') {
          this.stmts.remove!.run(change.resource, namespace, name);
        } else {
          this.stmts.upsert!.run(change.resource, namespace, name, object.metadata.uid ?? '', rev, body);
          for (const ref of object.metadata.ownerReferences ?? []) {
            this.stmts.ownerAdd!.run(ref.uid, change.resource, namespace, name);
          }
        }
        const prev = change.type === 'ADDED' ? null : (replaced?.body ?? null);
        this.stmts.event!.run(rev, change.type, change.resource, namespace, name, body, prev);
        events.push({
          rv: rev,
          type: change.type,
          resource: change.resource,
          namespace,
          name,
          object,
          prev: change.prev,
          json: body,
        });
      }
      this.stmts.setMeta!.run(rev, 'revision');
      compactedTo = this.maybeCompact(rev, changes.length);
      this.db.exec('COMMIT');
    } catch (error) {
      const failure = abandonTransaction(this.db, error);
      if (failure instanceof StoreError && failure.storage) this.wedged = failure;
      throw failure;
    }
    this.wedged = undefined;
    this.rev = rev;
    if (compactedTo !== undefined) this.compacted = compactedTo;
    return events;
  }

  private maybeCompact(rev: number, n: number): number | undefined {
    this.writesSinceCompaction += n;
    if (this.writesSinceCompaction < Math.max(1, Math.floor(this.window / 10))) return undefined;
    this.writesSinceCompaction = 0;
    const floor = rev - this.window;
    if (floor <= this.compacted) return undefined;
    this.stmts.compact!.run(floor);
    this.stmts.setMeta!.run(floor, 'compacted');
    return floor;
  }

  /** Why the store cannot serve (a cheap read fails, or the last write met a storage failure), or undefined. */
  unreadyReason(): string | undefined {
    if (!this.db.isOpen) return 'the store is closed';
    try {
      this.stmts.getMeta!.get('revision');
    } catch (error) {
      return `reading the store: ${error instanceof Error ? error.message : String(error)}`;
    }
    return this.wedged && `the last write failed: ${this.wedged.message}`;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
