/**
 * Fan-out of committed events to live watchers, by resource. Publishing happens synchronously right after a
 * commit, and a new watcher reads its backlog from the store and subscribes in the same turn of the event loop,
 * so no event can fall between "resume from revision R" and "live".
 */
import type { StoredEvent } from '../store/store.ts';

export type Listener = (event: StoredEvent) => void;

export class WatchHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  subscribe(resource: string, listener: Listener): () => void {
    let set = this.listeners.get(resource);
    if (!set) {
      set = new Set();
      this.listeners.set(resource, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  publish(events: readonly StoredEvent[]): void {
    for (const event of events) {
      const set = this.listeners.get(event.resource);
      if (!set) continue;
      for (const listener of [...set]) listener(event);
    }
  }

  count(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
