/**
 * The set of resources this server serves: built-in kinds plus the API package's kubeovn.io kinds, indexed by
 * URL coordinates (group, version, plural) and by kind (kinds are unique across our groups, which is what the
 * ClusterView contract relies on).
 */
import type { ServedResource } from './served.ts';

export interface GroupVersion {
  group: string;
  version: string;
}

export class Catalog {
  readonly resources: readonly ServedResource[];
  private readonly byPath = new Map<string, ServedResource>();
  private readonly byKind = new Map<string, ServedResource>();

  constructor(resources: readonly ServedResource[]) {
    this.resources = resources;
    for (const r of resources) {
      this.byPath.set(`${r.type.group}/${r.type.version}/${r.type.plural}`, r);
      this.byKind.set(r.type.kind, r);
    }
  }

  lookup(group: string, version: string, plural: string): ServedResource | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  forKind(kind: string): ServedResource | undefined {
    return this.byKind.get(kind);
  }

  /** Group versions in discovery order: core first, then groups in order of first appearance. */
  groupVersions(): GroupVersion[] {
    const seen = new Map<string, GroupVersion>();
    for (const r of this.resources) {
      const key = `${r.type.group}/${r.type.version}`;
      if (!seen.has(key)) seen.set(key, { group: r.type.group, version: r.type.version });
    }
    return [...seen.values()];
  }

  inGroupVersion(group: string, version: string): ServedResource[] {
    return this.resources.filter((r) => r.type.group === group && r.type.version === version);
  }
}
