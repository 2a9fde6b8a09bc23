/** Builds the ResourceType descriptor of a cluster-scoped kubeovn.io/v1 kind from its names, columns and schema. */
import type { TSchema } from '@sinclair/typebox';
import { GROUP, VERSION } from './constants.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';

export interface KindNames {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
}

export function kubeovnType(
  names: KindNames,
  printerColumns: PrinterColumn[],
  schema: TSchema,
): ResourceType {
  return {
    group: GROUP,
    version: VERSION,
    kind: names.kind,
    listKind: `${names.kind}List`,
    plural: names.plural,
    singular: names.singular,
    shortNames: names.shortNames,
    categories: ['kube-ovn'],
    namespaced: false,
    subresources: { status: true },
    printerColumns,
    schema,
  };
}

export const column = (
  name: string,
  type: PrinterColumn['type'],
  jsonPath: string,
  extra: Partial<PrinterColumn> = {},
): PrinterColumn => ({ name, type, jsonPath, ...extra });

export const ageColumn = (name = 'Age'): PrinterColumn => column(name, 'date', '.metadata.creationTimestamp');

/** A typed object of one of our kinds. */
export type Typed<Spec, Status = unknown> = KubeObject & { spec?: Spec; status?: Status };

/** Deep copy of a JSON object (admission never mutates its input). */
export const clone = <T>(value: T): T => structuredClone(value);

/** The object's name, for messages. */
export const nameOf = (object: KubeObject | undefined): string => object?.metadata.name ?? '';
