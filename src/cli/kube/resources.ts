/**
 * What discovery says a server serves, and how a command-line name or a manifest's apiVersion/kind picks one of
 * those resources, as kubectl's RESTMapper does: by plural, singular, short name or kind (case-insensitive),
 * optionally qualified by group (`vpcs.kubeovn.io`) or version and group (`vpcs.v1.kubeovn.io`). Pure.
 */

export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  namespaced: boolean;
  verbs: readonly string[];
}

/** `kubeovn.io/v1`, or `v1` for the core group. */
export const apiVersionOf = (r: Pick<ApiResource, 'group' | 'version'>): string =>
  r.group ? `${r.group}/${r.version}` : r.version;

/** `vpc.kubeovn.io`, `namespace`: how kubectl names a kind in `apply`/`delete` output. */
export const kindLabel = (r: Pick<ApiResource, 'group' | 'kind'>): string =>
  (r.group ? `${r.kind}.${r.group}` : r.kind).toLowerCase();

/** `vpcs.kubeovn.io`, `pods`: the group-resource as the API server names it in messages. */
export const groupResource = (r: Pick<ApiResource, 'group' | 'plural'>): string =>
  r.group ? `${r.plural}.${r.group}` : r.plural;

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The resource serving `kind` in `apiVersion`, if any (subresources such as `pods/status` never match). */
export function resourceForKind(
  resources: readonly ApiResource[],
  apiVersion: string,
  kind: string,
): ApiResource | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return resources.find(
    (r) => r.group === group && r.version === version && r.kind === kind && !r.plural.includes('/'),
  );
}

function nameMatches(r: ApiResource, name: string): boolean {
  return (
    r.plural === name ||
    r.singular === name ||
    r.kind.toLowerCase() === name ||
    r.shortNames.some((s) => s.toLowerCase() === name)
  );
}

/**
 * The resource a user means by `arg` (`vpc`, `Subnets`, `po`, `vpcs.kubeovn.io`, `pods.v1.`...). `resources` is in
 * discovery order (core group first, then groups by preference), which decides between equal matches as kubectl's
 * priority does. Short names win over names of other resources, as in kubectl's shortcut expansion.
 */
export function resourceForName(resources: readonly ApiResource[], arg: string): ApiResource | undefined {
  const wanted = arg.toLowerCase();
  const candidates = resources.filter((r) => !r.plural.includes('/'));
  const qualified = (r: ApiResource, name: string, rest: string): boolean =>
    nameMatches(r, name) && (rest === r.group || rest === `${r.version}.${r.group}`);
  const dot = wanted.indexOf('.');
  const byShortName = candidates.find((r) => r.shortNames.some((s) => s.toLowerCase() === wanted));
  return (
    byShortName ??
    candidates.find((r) => nameMatches(r, wanted)) ??
    (dot > 0 ? candidates.find((r) => qualified(r, wanted.slice(0, dot), wanted.slice(dot + 1))) : undefined)
  );
}
