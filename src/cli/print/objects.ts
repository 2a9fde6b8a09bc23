/**
 * `-o yaml` and `-o json` as kubectl prints them: keys sorted, JSON indented by four spaces with Go's escaping,
 * YAML with sequences flush under their key, strings that would read as another type under YAML 1.1 (`"10"`,
 * `"on"`, timestamps, `""`) double-quoted and other strings needing quotes single-quoted, as go-yaml does. Several
 * objects are printed as one `List`, with each item's apiVersion and kind filled in. Pure.
 */
import { Document, isScalar, parse, visit } from 'yaml';
import type { KubeObject } from '../../api/types.ts';
import { goJsonIndent } from '../apply/go-json.ts';

export type OutputFormat = 'json' | 'yaml';

/** kubectl's `List` wrapper for a multi-object answer. */
export function asList(items: readonly KubeObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

function readsAsOtherType(text: string): boolean {
  try {
    const value: unknown = parse(text, { version: '1.1' });
    return value === null || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date;
  } catch {
    return false;
  }
}

export function toYaml(value: unknown): string {
  const doc = new Document(value, { version: '1.1', sortMapEntries: true });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsOtherType(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && readsAsOtherType(pair.key.value)) {
        pair.key.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ indentSeq: false, singleQuote: true, lineWidth: 0 });
}

export function formatObjects(value: unknown, format: OutputFormat): string {
  return format === 'json' ? `${goJsonIndent(value)}\n` : toYaml(value);
}
