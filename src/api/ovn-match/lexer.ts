/**
 * Tokens of the OVN match language (ovn-sb(5)): identifiers (`ip4.src`, `reg0`), integers in their written forms
 * (decimal, 0x hex, dotted-quad IPv4, IPv6, Ethernet MAC, each kept as a bigint with its form), JSON-quoted strings,
 * `$address_set` and `@port_group` references, operators and punctuation, with `//` and `/* *\/` comments skipped.
 * Every token carries its 1-based column, so errors can point at it. Pure.
 */
import ipaddr from 'ipaddr.js';

export type IntForm = 'decimal' | 'hex' | 'ipv4' | 'ipv6' | 'mac';

export type Token =
  | { type: 'id'; text: string; col: number }
  | { type: 'int'; text: string; value: bigint; form: IntForm; col: number }
  | { type: 'string'; text: string; value: string; col: number }
  | { type: 'ref'; text: string; sigil: '$' | '@'; col: number }
  | { type: 'op'; text: string; col: number }
  | { type: 'eof'; text: ''; col: number };

export class MatchSyntaxError extends Error {}

const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '..',
  '<',
  '>',
  '!',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '/',
];
const WORD = /[A-Za-z0-9_.:]+/y;
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const MAC = /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const bytesToBig = (bytes: number[]): bigint => bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);

/** A word that is a number in one of OVN's integer forms, or undefined. */
export function parseInteger(text: string): { value: bigint; form: IntForm } | undefined {
  if (/^\d+$/.test(text)) return { value: BigInt(text), form: 'decimal' };
  if (/^0x[0-9a-fA-F]+$/.test(text)) return { value: BigInt(text), form: 'hex' };
  const quad = IPV4.exec(text);
  if (quad) {
    const parts = quad.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? { value: bytesToBig(parts), form: 'ipv4' } : undefined;
  }
  if (MAC.test(text)) return { value: bytesToBig(text.split(':').map((h) => parseInt(h, 16))), form: 'mac' };
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) {
    return { value: bytesToBig(ipaddr.IPv6.parse(text).toByteArray()), form: 'ipv6' };
  }
  return undefined;
}

function wordTokens(word: string, col: number): Token[] {
  // `0..15` inside a bit range is two integers around `..`
  const range = /^(\d+)\.\.(\d+)$/.exec(word);
  if (range) {
    const lo = range[1]!;
    return [
      { type: 'int', text: lo, value: BigInt(lo), form: 'decimal', col },
      { type: 'op', text: '..', col: col + lo.length },
      { type: 'int', text: range[2]!, value: BigInt(range[2]!), form: 'decimal', col: col + lo.length + 2 },
    ];
  }
  const int = parseInteger(word);
  if (int) return [{ type: 'int', text: word, ...int, col }];
  if (IDENT.test(word)) return [{ type: 'id', text: word, col }];
  const looksNumeric = /^[0-9:]/.test(word);
  throw new MatchSyntaxError(
    `column ${col}: "${word}" is ${looksNumeric ? 'not a valid number, address or MAC' : 'not a field name'}`,
  );
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const col = i + 1;
    if (/\s/.test(c)) {
      i++;
    } else if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new MatchSyntaxError(`column ${col}: unterminated comment`);
      i = end + 2;
    } else if (c === '"') {
      const m = /"(?:[^"\\]|\\.)*"/y;
      m.lastIndex = i;
      const found = m.exec(source);
      if (!found) throw new MatchSyntaxError(`column ${col}: unterminated string`);
      let value: string;
      try {
        value = JSON.parse(found[0]) as string;
      } catch {
        throw new MatchSyntaxError(`column ${col}: bad string ${found[0]}`);
      }
      tokens.push({ type: 'string', text: found[0], value, col });
      i += found[0].length;
    } else if ((c === '$' || c === '@') && /[A-Za-z_]/.test(source[i + 1] ?? '')) {
      const m = /[$@][A-Za-z_][A-Za-z0-9_.]*/y;
      m.lastIndex = i;
      const text = m.exec(source)![0];
      tokens.push({ type: 'ref', text, sigil: c, col });
      i += text.length;
    } else if (/[A-Za-z0-9_.:]/.test(c) && !source.startsWith('..', i)) {
      WORD.lastIndex = i;
      const word = WORD.exec(source)![0];
      tokens.push(...wordTokens(word, col));
      i += word.length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw new MatchSyntaxError(`column ${col}: unexpected character ${JSON.stringify(c)}`);
      tokens.push({ type: 'op', text: op, col });
      i += op.length;
    }
  }
  tokens.push({ type: 'eof', text: '', col: source.length + 1 });
  return tokens;
}
