/**
 * Renders a ResourceType as an apiextensions.k8s.io/v1 CustomResourceDefinition: what `deploy/crds/` holds
 * (scripts/gen-crds.ts) and the spec of the CRDs the embedded API server serves (apiserver/resources/crds.ts).
 * Empty lists (short names, categories, printer columns) are left out, as kube-apiserver's `omitempty` leaves them.
 */
import type { ResourceType } from './types.ts';

/** The schema as plain JSON: TypeBox's symbols dropped, empty `properties` removed. */
export function plainSchema(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const props = record['properties'];
      if (props && typeof props === 'object' && Object.keys(props).length === 0) {
        const { properties: _dropped, ...rest } = record;
        return rest;
      }
    }
    return value;
  }) as unknown;
}

/** `<plural>.<group>`, the name a kind's CRD must have. */
export const crdName = (type: ResourceType): string => `${type.plural}.${type.group}`;

export function crdFor(type: ResourceType): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(type) },
    spec: {
      group: type.group,
      names: {
        kind: type.kind,
        listKind: type.listKind,
        plural: type.plural,
        singular: type.singular,
        ...(type.shortNames.length ? { shortNames: [...type.shortNames] } : {}),
        ...(type.categories.length ? { categories: [...type.categories] } : {}),
      },
      scope: type.namespaced ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: type.version,
          served: true,
          storage: true,
          ...(type.subresources.status ? { subresources: { status: {} } } : {}),
          ...(type.printerColumns.length
            ? { additionalPrinterColumns: type.printerColumns.map((c) => ({ ...c })) }
            : {}),
          schema: { openAPIV3Schema: plainSchema(type.schema) },
        },
      ],
    },
  };
}
