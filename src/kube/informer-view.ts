/**
 * A `ClusterView` over informer caches, so admission rules written for the API server (src/api) run unchanged at
 * reconcile time against what the controller sees. Asking for a kind that no informer caches is a programming error
 * and throws, rather than silently answering "no such object".
 */
import type { ClusterView, KubeObject } from '../api/types.ts';
import type { Informer } from './informer.ts';

export class InformerClusterView implements ClusterView {
  readonly #byKind = new Map<string, Informer>();

  constructor(informers: Iterable<Informer>) {
    for (const informer of informers) {
      if (this.#byKind.has(informer.kind)) throw new Error(`two informers for kind ${informer.kind}`);
      this.#byKind.set(informer.kind, informer);
    }
  }

  get(kind: string, name: string, namespace?: string): KubeObject | undefined {
    return this.informer(kind).get(name, namespace);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    return this.informer(kind).list(namespace);
  }

  /** The change count of the kind's informer (see `Informer.version`). */
  version(kind: string): number {
    return this.informer(kind).version;
  }

  has(kind: string): boolean {
    return this.#byKind.has(kind);
  }

  informer(kind: string): Informer {
    const informer = this.#byKind.get(kind);
    if (!informer) {
      const known = [...this.#byKind.keys()].sort().join(', ');
      throw new Error(`no informer caches kind ${kind} (cached kinds: ${known || 'none'})`);
    }
    return informer;
  }
}
