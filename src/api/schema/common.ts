/**
 * Schema building blocks shared by the kubeovn.io/v1 kinds. Schemas are TypeBox objects, i.e. plain JSON Schema,
 * so one definition gives the TypeScript type (Static<>), the admission-time structural check and the CRD's
 * openAPIV3Schema. Only constructs that are legal in a structural CRD schema are used here (no patternProperties,
 * no $ref): maps are `additionalProperties`, free-form objects carry `x-kubernetes-preserve-unknown-fields`.
 */
import { Type, type TSchema, type SchemaOptions, type TObject, type TProperties } from '@sinclair/typebox';

export const Str = (description?: string, options: SchemaOptions = {}) =>
  Type.String({ ...(description ? { description } : {}), ...options });
export const Bool = (description?: string) => Type.Boolean(description ? { description } : {});
export const Int = (description?: string, options: SchemaOptions = {}) =>
  Type.Integer({ ...(description ? { description } : {}), ...options });
export const StrList = (description?: string) =>
  Type.Array(Type.String(), description ? { description } : {});
export const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** A string-to-string map (labels, ConfigMap data). */
export const StringMap = (description?: string) =>
  Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string' },
    ...(description ? { description } : {}),
  });

/** An object we store and hand on without looking inside (e.g. a core/v1 Affinity). */
export const FreeForm = <T = Record<string, unknown>>(description?: string) =>
  Type.Unsafe<T>({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    ...(description ? { description } : {}),
  });

export const Condition = Type.Object({
  type: Str('Type of the condition, e.g. Ready, Validated, Error'),
  status: Str('True, False or Unknown'),
  reason: Opt(Str('Machine-readable reason for the last transition')),
  message: Opt(Str('Human-readable details')),
  observedGeneration: Opt(
    Int('Generation of the spec this condition was computed from', { format: 'int64' }),
  ),
  lastUpdateTime: Opt(Str('Last time the condition was updated')),
  lastTransitionTime: Opt(Str('Last time the status changed')),
});
export const Conditions = Type.Array(Condition, {
  description: 'Conditions represent the latest observed state of the object',
});

export const LabelSelector = Type.Object(
  {
    matchLabels: Opt(StringMap()),
    matchExpressions: Opt(
      Type.Array(
        Type.Object(
          { key: Str(), operator: Str(), values: Opt(StrList()) },
          { required: ['key', 'operator'] },
        ),
      ),
    ),
  },
  { description: 'A Kubernetes label selector' },
);

export const Toleration = Type.Object({
  key: Opt(Str()),
  operator: Opt(Str()),
  value: Opt(Str()),
  effect: Opt(Str()),
  tolerationSeconds: Opt(Int(undefined, { format: 'int64' })),
});

/** The whole-object schema of a kind: apiVersion, kind, metadata (server-managed), spec, status. */
export function resourceSchema<S extends TProperties, T extends TProperties>(
  description: string,
  spec: TObject<S>,
  status?: TObject<T>,
): TSchema {
  return Type.Object(
    {
      apiVersion: Opt(Str('APIVersion of this representation of the object')),
      kind: Opt(Str('Kind of the object')),
      metadata: Opt(Type.Object({})),
      spec: Opt(spec),
      ...(status ? { status: Opt(status) } : {}),
    },
    { description },
  );
}
