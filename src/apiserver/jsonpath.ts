/**
 * The subset of Kubernetes JSONPath that printer columns use: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, and
 * filters `[?(@.type=="Ready")]`. Returns every match in document order; the table printer takes the first,
 * as kube-apiserver's CRD table convertor does.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!=' | 'exists'; value: unknown };

function parseFilter(body: string): Step {
  const m = /^@((?:\.[\w-]+)+)\s*(?:(==|!=)\s*(.+))?$/.exec(body.trim());
  if (!m) throw new Error(`unsupported JSONPath filter: ${body}`);
  const path = (m[1] ?? '').split('.').filter((s) => s !== '');
  if (!m[2]) return { kind: 'filter', path, op: 'exists', value: undefined };
  const raw = (m[3] ?? '').trim();
  let value: unknown;
  if (/^(["']).*\1$/.test(raw)) value = raw.slice(1, -1);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else if (!Number.isNaN(Number(raw))) value = Number(raw);
  else value = raw;
  return { kind: 'filter', path, op: m[2] as '==' | '!=', value };
}

export function parseJsonPath(expression: string): Step[] {
  let text = expression.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  if (text.startsWith('$')) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      const m = /^\.([^.[\]]+)/.exec(text.slice(i));
      if (!m) {
        i++;
        continue;
      }
      steps.push({ kind: 'field', name: m[1] ?? '' });
      i += m[0].length;
    } else if (ch === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw new Error(`unterminated [ in JSONPath ${expression}`);
      let inner = text.slice(i + 1, end);
      if (inner.startsWith('?(')) {
        const close = text.indexOf(')]', i);
        if (close < 0) throw new Error(`unterminated filter in JSONPath ${expression}`);
        inner = text.slice(i + 3, close);
        steps.push(parseFilter(inner));
        i = close + 2;
        continue;
      }
      inner = inner.trim();
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else throw new Error(`unsupported JSONPath subscript [${inner}]`);
      i = end + 1;
    } else {
      const m = /^([^.[\]]+)/.exec(text.slice(i));
      steps.push({ kind: 'field', name: m?.[1] ?? '' });
      i += m?.[0].length ?? 1;
    }
  }
  return steps;
}

function child(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function at(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => child(v, k), value);
}

export function evaluate(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      switch (step.kind) {
        case 'field': {
          const v = child(value, step.name);
          if (v !== undefined) next.push(v);
          break;
        }
        case 'index':
          if (Array.isArray(value)) {
            const v: unknown = value[step.index < 0 ? value.length + step.index : step.index];
            if (v !== undefined) next.push(v);
          }
          break;
        case 'all':
          if (Array.isArray(value)) next.push(...(value as unknown[]));
          else if (value !== null && typeof value === 'object')
            next.push(...Object.values(value as Record<string, unknown>));
          break;
        case 'filter':
          if (Array.isArray(value)) {
            for (const item of value as unknown[]) {
              const v = at(item, step.path);
              const keep = step.op === 'exists' ? v !== undefined : (v === step.value) === (step.op === '==');
              if (keep) next.push(item);
            }
          }
          break;
      }
    }
    current = next;
  }
  return current;
}

const cache = new Map<string, Step[]>();

/** All matches of a JSONPath expression (parsed once and cached). */
export function jsonPath(expression: string, root: unknown): unknown[] {
  let steps = cache.get(expression);
  if (!steps) {
    steps = parseJsonPath(expression);
    cache.set(expression, steps);
  }
  return evaluate(steps, root);
}
