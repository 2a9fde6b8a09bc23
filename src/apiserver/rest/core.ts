/**
 * The server's shared state for request handling: the store, the catalog, the watch hub, the clock, the random
 * source (generateName suffixes) and the logger; `commit` is the one way to write (store transaction, then
 * watchers, then commit hooks such as the garbage collector). Also the ClusterView that admission reads, backed by
 * the store.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClusterView, KubeObject } from '../../api/types.ts';
import type { Clock } from '../../util/clock.ts';
import { systemRandom, type Random } from '../../util/random.ts';
import type { Catalog } from '../resources/catalog.ts';
import type { ServedResource } from '../resources/served.ts';
import type { Change, Store, StoredEvent } from '../store/store.ts';
import type { WatchHub } from '../watch/hub.ts';

export type CommitHook = (events: readonly StoredEvent[]) => void;

export class Core {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly hub: WatchHub;
  readonly clock: Clock;
  readonly log: Logger;
  readonly newUid: () => string;
  readonly random: Random;
  private readonly hooks: CommitHook[] = [];
  private readonly byKey = new Map<string, ServedResource>();

  constructor(options: {
    store: Store;
    catalog: Catalog;
    hub: WatchHub;
    clock: Clock;
    log: Logger;
    newUid?: () => string;
    random?: Random;
  }) {
    this.store = options.store;
    this.catalog = options.catalog;
    this.hub = options.hub;
    this.clock = options.clock;
    this.log = options.log;
    this.newUid = options.newUid ?? randomUUID;
    this.random = options.random ?? systemRandom;
    for (const r of this.catalog.resources) this.byKey.set(r.key, r);
  }

  onCommit(hook: CommitHook): void {
    this.hooks.push(hook);
  }

  commit(changes: readonly Change[]): StoredEvent[] {
    const events = this.store.commit(changes);
    this.hub.publish(events);
    for (const hook of this.hooks) {
      try {
        hook(events);
      } catch (error) {
        this.log.error({ err: error }, 'commit hook failed');
      }
    }
    return events;
  }

  resourceForKey(key: string): ServedResource | undefined {
    return this.byKey.get(key);
  }

  get(resource: ServedResource, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(resource.key, resource.type.namespaced ? namespace : '', name);
  }

  view(): ClusterView {
    return {
      get: (kind, name, namespace) => {
        const r = this.catalog.forKind(kind);
        return r ? this.get(r, namespace ?? '', name) : undefined;
      },
      list: (kind, namespace) => {
        const r = this.catalog.forKind(kind);
        if (!r) return [];
        return [...this.store.scan(r.key, r.type.namespaced ? namespace : undefined, undefined)];
      },
    };
  }
}
