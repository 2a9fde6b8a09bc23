/**
 * A minimal protocol-buffers writer and the encoding of an OpenAPI v2 document as gnostic's
 * `openapi.v2.Document` (github.com/google/gnostic, openapiv2/OpenAPIv2.proto), the only form of /openapi/v2
 * that kubectl's discovery client decodes. Covers the messages a definitions-only document needs: Document,
 * Info, Definitions/NamedSchema, Schema (with items, properties, additionalProperties, enum, vendor extensions).
 * Field numbers below are those of OpenAPIv2.proto.
 */
type Json = Record<string, unknown>;

class Writer {
  private readonly chunks: Buffer[] = [];

  private varint(value: number): void {
    const bytes: number[] = [];
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    while (v >= 0x80n) {
      bytes.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.chunks.push(Buffer.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  string(field: number, value: string | undefined): void {
    if (value === undefined || value === '') return;
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  bytes(field: number, value: Buffer): void {
    this.tag(field, 2);
    this.varint(value.length);
    this.chunks.push(value);
  }

  message(field: number, build: (w: Writer) => void): void {
    const w = new Writer();
    build(w);
    this.bytes(field, w.finish());
  }

  bool(field: number, value: unknown): void {
    if (value !== true) return;
    this.tag(field, 0);
    this.varint(1);
  }

  int(field: number, value: unknown): void {
    if (typeof value !== 'number') return;
    this.tag(field, 0);
    this.varint(value);
  }

  double(field: number, value: unknown): void {
    if (typeof value !== 'number') return;
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.chunks.push(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function isJson(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Any { string yaml = 2; } - JSON is YAML. */
function any(w: Writer, field: number, value: unknown): void {
  w.message(field, (a) => a.string(2, JSON.stringify(value)));
}

function schema(w: Writer, s: Json): void {
  w.string(1, typeof s.$ref === 'string' ? s.$ref : undefined);
  w.string(2, typeof s.format === 'string' ? s.format : undefined);
  w.string(3, typeof s.title === 'string' ? s.title : undefined);
  w.string(4, typeof s.description === 'string' ? s.description : undefined);
  if (s.default !== undefined) any(w, 5, s.default);
  w.double(7, s.maximum);
  w.bool(8, s.exclusiveMaximum);
  w.double(9, s.minimum);
  w.bool(10, s.exclusiveMinimum);
  w.int(11, s.maxLength);
  w.int(12, s.minLength);
  w.string(13, typeof s.pattern === 'string' ? s.pattern : undefined);
  w.int(14, s.maxItems);
  w.int(15, s.minItems);
  w.bool(16, s.uniqueItems);
  w.int(17, s.maxProperties);
  w.int(18, s.minProperties);
  for (const r of Array.isArray(s.required) ? (s.required as string[]) : []) w.string(19, r);
  for (const e of Array.isArray(s.enum) ? (s.enum as unknown[]) : []) any(w, 20, e);
  if (isJson(s.additionalProperties)) {
    const ap = s.additionalProperties;
    w.message(21, (a) => a.message(1, (x) => schema(x, ap)));
  } else if (typeof s.additionalProperties === 'boolean') {
    const ap = s.additionalProperties;
    w.message(21, (a) => a.bool(2, ap));
  }
  if (typeof s.type === 'string') {
    const t = s.type;
    w.message(22, (x) => x.string(1, t));
  }
  if (isJson(s.items)) {
    const items = s.items;
    w.message(23, (x) => x.message(1, (y) => schema(y, items)));
  }
  for (const sub of Array.isArray(s.allOf) ? (s.allOf as Json[]) : []) w.message(24, (x) => schema(x, sub));
  if (isJson(s.properties)) {
    const props = s.properties;
    w.message(25, (x) => {
      for (const [name, value] of Object.entries(props)) {
        if (isJson(value)) x.message(1, (n) => namedSchema(n, name, value));
      }
    });
  }
  w.bool(27, s.readOnly);
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-'))
      w.message(31, (n) => {
        n.string(1, k);
        any(n, 2, v);
      });
  }
}

function namedSchema(w: Writer, name: string, s: Json): void {
  w.string(1, name);
  w.message(2, (x) => schema(x, s));
}

/** Encodes a swagger 2.0 document that has info and definitions (paths are not encoded). */
export function encodeOpenApiV2(doc: {
  swagger: string;
  info: { title: string; version: string };
  definitions: Record<string, Json>;
}): Buffer {
  const w = new Writer();
  w.string(1, doc.swagger);
  w.message(2, (i) => {
    i.string(1, doc.info.title);
    i.string(2, doc.info.version);
  });
  w.message(8, () => {});
  w.message(9, (d) => {
    for (const [name, s] of Object.entries(doc.definitions)) d.message(1, (n) => namedSchema(n, name, s));
  });
  return w.finish();
}
