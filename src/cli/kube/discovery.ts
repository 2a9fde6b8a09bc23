/**
 * Discovery for the CLI: which resources a server serves, read from the plain discovery documents every server
 * offers (`/api`, `/api/v1`, `/apis`, `/apis/GROUP/VERSION`), each fetched at most once per process. Manifests
 * need only their own group-version; resolving a name typed on the command line needs all of them.
 */
import type { KubeClient } from '../../kube/client.ts';
import { isNotFound } from '../../kube/errors.ts';
import { groupVersionPath } from '../../kube/paths.ts';
import { resourceForKind, resourceForName, splitApiVersion, type ApiResource } from './resources.ts';

interface ApiResourceList {
  groupVersion?: string;
  resources?: Array<{
    name: string;
    singularName?: string;
    kind: string;
    namespaced: boolean;
    shortNames?: string[];
    verbs?: string[];
  }>;
}

interface ApiGroupList {
  groups?: Array<{
    name: string;
    preferredVersion?: { version: string };
    versions: Array<{ version: string }>;
  }>;
}

export class Discovery {
  readonly #client: KubeClient;
  readonly #byGroupVersion = new Map<string, Promise<ApiResource[]>>();
  #all: Promise<ApiResource[]> | undefined;

  constructor(client: KubeClient) {
    this.#client = client;
  }

  /** The resources of one group-version (`v1`, `kubeovn.io/v1`); empty when the server does not serve it. */
  resourcesOf(apiVersion: string): Promise<ApiResource[]> {
    let pending = this.#byGroupVersion.get(apiVersion);
    if (!pending) {
      pending = this.#fetchGroupVersion(apiVersion);
      this.#byGroupVersion.set(apiVersion, pending);
    }
    return pending;
  }

  /** Every resource the server serves, core group first, then groups in the server's order (preferred version). */
  all(): Promise<ApiResource[]> {
    this.#all ??= this.#fetchAll();
    return this.#all;
  }

  async forKind(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    return resourceForKind(await this.resourcesOf(apiVersion), apiVersion, kind);
  }

  async forName(name: string): Promise<ApiResource | undefined> {
    return resourceForName(await this.all(), name);
  }

  async #fetchGroupVersion(apiVersion: string): Promise<ApiResource[]> {
    const { group, version } = splitApiVersion(apiVersion);
    const path = groupVersionPath({ group, version });
    let list: ApiResourceList;
    try {
      list = await this.#client.request<ApiResourceList>({ method: 'GET', path });
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return (list.resources ?? []).map((r) => ({
      group,
      version,
      kind: r.kind,
      plural: r.name,
      singular: r.singularName || r.kind.toLowerCase(),
      shortNames: r.shortNames ?? [],
      namespaced: r.namespaced,
      verbs: r.verbs ?? [],
    }));
  }

  async #fetchAll(): Promise<ApiResource[]> {
    const [core, groups] = await Promise.all([
      this.#client.request<{ versions?: string[] }>({ method: 'GET', path: '/api' }),
      this.#client.request<ApiGroupList>({ method: 'GET', path: '/apis' }),
    ]);
    const apiVersions = [
      ...(core.versions ?? []),
      ...(groups.groups ?? []).map(
        (g) => `${g.name}/${g.preferredVersion?.version ?? g.versions[0]?.version ?? 'v1'}`,
      ),
    ];
    const lists = await Promise.all(apiVersions.map((gv) => this.resourcesOf(gv)));
    return lists.flat();
  }
}
