/**
 * Discovery documents in their plain (non-aggregated) form, which kubectl falls back to when the aggregated
 * form is not offered: /api (APIVersions), /apis (APIGroupList), /apis/GROUP (APIGroup) and the per
 * group-version APIResourceList with verbs (a server-owned kind, CustomResourceDefinitions, lists only those it takes), short names,
 * categories and status subresources; plus what the authentication and authorization code serves (auth/, not
 * stored): `serviceaccounts/token` (TokenRequest) and the self-subject reviews of authorization.k8s.io and
 * authentication.k8s.io, create only. The aggregated form (apidiscovery.k8s.io/v2) is not served.
 */
import type { Catalog } from './resources/catalog.ts';

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The self-subject reviews (http/verbs/reviews.ts), by group-version, in discovery's order. */
const reviewGroups: ReadonlyArray<{ group: string; version: string; resources: Record<string, unknown>[] }> =
  [
    {
      group: 'authentication.k8s.io',
      version: 'v1',
      resources: [review('selfsubjectreviews', 'SelfSubjectReview')],
    },
    {
      group: 'authorization.k8s.io',
      version: 'v1',
      resources: [
        review('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
        review('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
      ],
    },
  ];

function review(plural: string, kind: string): Record<string, unknown> {
  return { name: plural, singularName: plural.slice(0, -1), namespaced: false, kind, verbs: ['create'] };
}

/** kube-apiserver's entry for TokenRequest, a subresource of another group's kind. */
const tokenSubresource = {
  name: 'serviceaccounts/token',
  singularName: '',
  namespaced: true,
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenRequest',
  verbs: ['create'],
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, versionList: string[]): Record<string, unknown> {
  const versions = versionList.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions, preferredVersion: versions[0] };
}

function groups(catalog: Catalog): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const gv of catalog.groupVersions()) {
    if (!gv.group) continue;
    const list = out.get(gv.group) ?? [];
    if (!list.includes(gv.version)) list.push(gv.version);
    out.set(gv.group, list);
  }
  for (const gv of reviewGroups) if (!out.has(gv.group)) out.set(gv.group, [gv.version]);
  return out;
}

export function apiGroupList(catalog: Catalog): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups(catalog)].map(([name, versions]) => groupEntry(name, versions)),
  };
}

export function apiGroup(catalog: Catalog, group: string): Record<string, unknown> | undefined {
  const versions = groups(catalog).get(group);
  if (!versions) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) };
}

export function apiResourceList(
  catalog: Catalog,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const served = catalog.inGroupVersion(group, version);
  const reviews = reviewGroups.find((gv) => gv.group === group && gv.version === version);
  if (!served.length && !reviews) return undefined;
  const resources: Record<string, unknown>[] = [...(reviews?.resources ?? [])];
  for (const { type, serverOwned } of served) {
    const entry: Record<string, unknown> = {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: serverOwned?.verbs ?? verbs,
    };
    if (type.shortNames.length) entry.shortNames = [...type.shortNames];
    if (type.categories.length) entry.categories = [...type.categories];
    resources.push(entry);
    if (type.subresources.status) {
      resources.push({
        name: `${type.plural}/status`,
        singularName: '',
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
    if (!group && type.kind === 'Pod') {
      resources.push({
        name: 'pods/binding',
        singularName: '',
        namespaced: true,
        kind: 'Binding',
        verbs: ['create'],
      });
    }
    if (!group && type.kind === 'ServiceAccount') resources.push({ ...tokenSubresource });
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
