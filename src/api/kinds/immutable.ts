/**
 * The one rule for fields we enforce as immutable (docs/adr/0002-admission-and-immutable-fields.md): worded as
 * kube-apiserver's ValidateImmutableField, a 422 `Invalid value: <new>: field is immutable`, with what it was and how
 * to get the change. (Where Kube-OVN's webhook denies a change, 403, the kind uses `forbidden` itself.)
 */
import { isDeepStrictEqual } from 'node:util';
import { invalid } from '../issues.ts';
import type { FieldIssue } from '../types.ts';

const empty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** An issue if `field` changed between old and new (unset and empty count as the same). */
export function immutable(
  field: string,
  before: unknown,
  after: unknown,
  hint = 'delete and re-create the object instead',
): FieldIssue[] {
  if (empty(before) && empty(after)) return [];
  if (isDeepStrictEqual(before, after)) return [];
  return [invalid(field, after, `field is immutable (was ${JSON.stringify(before ?? null)}); ${hint}`)];
}
