/** The one rule for fields we enforce as immutable (see docs/adr/0002-immutable-fields.md). */
import { isDeepStrictEqual } from 'node:util';
import { forbidden } from '../issues.ts';
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
  return [forbidden(field, `field is immutable (was ${JSON.stringify(before ?? null)}); ${hint}`)];
}
