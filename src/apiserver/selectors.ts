/**
 * Label selectors (equality- and set-based: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`) and
 * field selectors (`f=v`, `f==v`, `f!=v`; `\\`, `\,` and `\=` escape a value), parsed from query strings and
 * matched against objects, as in k8s.io/apimachinery/pkg/labels and pkg/fields.
 */
import type { KubeObject } from '../api/types.ts';
import { badRequest } from './status.ts';

export type LabelRequirement =
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '>' | '<'; value: number };

export type LabelSelector = readonly LabelRequirement[];

const keyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function checkKey(key: string, whole: string): string {
  if (!keyPattern.test(key) || key.length > 316)
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  return key;
}

function parseRequirement(text: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const values = (set[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (!values.length && set[2] === 'in')
      throw badRequest(
        `unable to parse requirement: for 'in' operator, values set can't be empty in "${text}"`,
      );
    return { key: checkKey(set[1] ?? '', text), op: set[2] as 'in' | 'notin', values };
  }
  if (text.startsWith('!')) return { key: checkKey(text.slice(1).trim(), text), op: '!' };
  const cmp = /^([^=!<>\s]+)\s*(==|!=|=|>|<)\s*(.*)$/.exec(text);
  if (cmp) {
    const key = checkKey(cmp[1] ?? '', text);
    const op = cmp[2] ?? '=';
    const value = (cmp[3] ?? '').trim();
    if (op === '>' || op === '<') {
      const n = Number(value);
      if (!Number.isInteger(n))
        throw badRequest(
          `unable to parse requirement: for '${op}' operator, value must be an integer in "${text}"`,
        );
      return { key, op, value: n };
    }
    return { key, op: op === '!=' ? '!=' : '=', value };
  }
  if (/^\S+$/.test(text)) return { key: checkKey(text, text), op: 'exists' };
  throw badRequest(`unable to parse requirement: "${text}"`);
}

export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  if (!text) return [];
  return splitTop(text).map(parseRequirement);
}

export function matchLabels(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
        return has && v === r.value;
      case '!=':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v ?? '');
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case '>':
      case '<': {
        if (!has) return false;
        const n = Number(v);
        return Number.isInteger(n) && (r.op === '>' ? n > r.value : n < r.value);
      }
    }
    return false;
  });
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export type FieldSelector = readonly FieldRequirement[];

/** Splits on the commas that are not escaped (`\,`, after an escaped `\\` too), as fields.splitTerms does. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes, and `,` and `=` must be escaped. */
function unescapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=')
        throw badRequest(`invalid field selector: invalid escape sequence: \\${next ?? ''}`);
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${c}`);
    } else out += c;
  }
  return out;
}

export function parseFieldSelector(
  text: string | null | undefined,
  supported: readonly string[],
): FieldSelector {
  if (!text) return [];
  const parts = splitTerms(text)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.map((part) => {
    const m = /^([^=!]+?)\s*(==|!=|=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = (m[1] ?? '').trim();
    if (!supported.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: unescapeValue(m[3] ?? '') };
  });
}

/** The string value of a dotted field path, as field selectors compare it (absent = ''). */
export function fieldValue(object: KubeObject, field: string): string {
  let cur: unknown = object;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  if (field === 'source' && typeof cur === 'object')
    return String((cur as { component?: string }).component ?? '');
  return typeof cur === 'string'
    ? cur
    : typeof cur === 'number' || typeof cur === 'boolean'
      ? String(cur)
      : JSON.stringify(cur);
}

export function matchFields(selector: FieldSelector, object: KubeObject): boolean {
  return selector.every((r) => (fieldValue(object, r.field) === r.value) === (r.op === '='));
}

export interface Selection {
  labels: LabelSelector;
  fields: FieldSelector;
}

export function matches(selection: Selection, object: KubeObject): boolean {
  return matchLabels(selection.labels, object.metadata.labels) && matchFields(selection.fields, object);
}

export function isEverything(selection: Selection): boolean {
  return selection.labels.length === 0 && selection.fields.length === 0;
}
