/**
 * The shape of a built-in kind's entry (group, version, names, scope, printer columns, field selectors,
 * strategic-merge keys, create and update defaults, server-owned writes) and how it becomes a `ServedResource`: a permissive schema that keeps
 * unknown fields, the printer columns whose cells are computed, and the merge keys every object has (finalizers,
 * ownerReferences). The entries themselves are in this folder, one file per API group or larger core kind.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { ResourceType } from '../../../api/types.ts';
import { ageColumn, type ServedColumn, type ServedResource } from '../served.ts';

const preserve = { 'x-kubernetes-preserve-unknown-fields': true, additionalProperties: true };

function permissiveSchema(kind: string, description: string): TSchema {
  return Type.Object(
    {
      apiVersion: Type.Optional(
        Type.String({
          description: 'APIVersion defines the versioned schema of this representation of an object.',
        }),
      ),
      kind: Type.Optional(
        Type.String({
          description: 'Kind is a string value representing the REST resource this object represents.',
        }),
      ),
      metadata: Type.Optional(Type.Object({}, preserve)),
    },
    { ...preserve, description: description || `${kind} is a Kubernetes ${kind}.` },
  );
}

export interface BuiltinSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  status?: boolean;
  columns: ServedColumn[];
  fieldSelectors?: string[];
  mergeKeys?: Record<string, string>;
  definitionPackage: string;
  description?: string;
  prepareCreate?: ServedResource['prepareCreate'];
  prepareUpdate?: ServedResource['prepareUpdate'];
  /** For a kind whose objects are the server's own: which writes the API takes (ServedResource.serverOwned). */
  serverOwned?: ServedResource['serverOwned'];
}

/** A column whose cell `compute` works out (kube-apiserver's printers), `priority` 1 for `-o wide` only. */
export function col(
  name: string,
  compute: ServedColumn['compute'],
  priority = 0,
  type: ServedColumn['type'] = 'string',
): ServedColumn {
  return compute ? { name, type, jsonPath: '', priority, compute } : { name, type, jsonPath: '', priority };
}

/** Status conditions merge by type. */
export const conditionKeys = { 'status.conditions': 'type' };

/** The Age column, shared by the kinds that print one. */
export const age = ageColumn();

export function servedBuiltin(spec: BuiltinSpec): ServedResource {
  const singular = spec.kind.toLowerCase();
  const type: ResourceType = {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    namespaced: spec.namespaced,
    subresources: { status: spec.status ?? false },
    printerColumns: spec.columns.filter((c) => c.jsonPath !== '').map(({ compute: _c, ...c }) => c),
    schema: permissiveSchema(spec.kind, spec.description ?? ''),
  };
  const served: ServedResource = {
    type,
    key: `${spec.group}/${spec.plural}`,
    builtin: true,
    columns: spec.columns,
    fieldSelectors: spec.fieldSelectors ?? [],
    mergeKeys: new Map(
      Object.entries({ 'metadata.finalizers': '', 'metadata.ownerReferences': 'uid', ...spec.mergeKeys }),
    ),
    definitionName: `${spec.definitionPackage}.${spec.version}.${spec.kind}`,
    admission: undefined,
  };
  if (spec.prepareCreate) served.prepareCreate = spec.prepareCreate;
  if (spec.prepareUpdate) served.prepareUpdate = spec.prepareUpdate;
  if (spec.serverOwned) served.serverOwned = spec.serverOwned;
  return served;
}
