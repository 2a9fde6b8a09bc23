/**
 * JSON as Go's encoding/json writes it, which is what kubectl stores and prints: object keys sorted, `<`, `>` and
 * `&` escaped as \u003c, \u003e, \u0026 (and U+2028/U+2029 escaped), compact or indented. Byte-equal output matters for
 * the last-applied annotation: kubectl and kovn must write the same text for the same manifest. Pure.
 */

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareUtf8)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Go sorts map keys by their UTF-8 bytes; for BMP text that is code-point order, which `<` on strings is not quite. */
function compareUtf8(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

function escapeLikeGo(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `json.Marshal(value)`. */
export function goJson(value: unknown): string {
  return escapeLikeGo(JSON.stringify(sortKeys(value)));
}

/** `json.MarshalIndent(value, "", "    ")`, as `kubectl get -o json` prints. */
export function goJsonIndent(value: unknown): string {
  return escapeLikeGo(JSON.stringify(sortKeys(value), null, 4));
}
