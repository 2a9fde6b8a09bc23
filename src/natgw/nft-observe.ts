/**
 * What the kernel holds in kovn's nftables table, read from `nft -j list table ip kovn-nat` (or `ip6 kovn-nat`, the
 * same way) (libnftables' JSON, not
 * the text listing) into the `NftRuleSet` nft-rules.ts renders, each rule's expressions printed back as the one-line
 * statement nft-rules.ts writes for them. Only the expressions our rules use are known (payload, meta, ct, prefix,
 * the bitwise `&`/`|`, match, snat/dnat, mangle, jump/goto, verdicts); anything else is printed as its JSON, so a
 * rule we did not write never reads as one we want, and sets, maps or other objects in our table show up as
 * foreign. Handles, counters' values, the metainfo and the table entry itself are dropped. Pure.
 */
import { NFT_TABLE, type NftBase, type NftChain, type NftRuleSet } from './nft-rules.ts';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const raw = (v: Json): string => `<${JSON.stringify(v)}>`;
const hex = (v: Json): string => (typeof v === 'number' ? `0x${v.toString(16)}` : value(v));

/** Interface names are quoted in nft's syntax. */
const NAME_KEYS = new Set(['iifname', 'oifname']);

function value(v: Json): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return expression(v);
}

function expression(e: Json): string {
  if (typeof e === 'number' || typeof e === 'string') return value(e);
  if (!isObject(e)) return raw(e);
  const [op, body] = Object.entries(e)[0] ?? [];
  if (Object.keys(e).length !== 1 || !isObject(body)) {
    if ((op === '&' || op === '|') && Array.isArray(body) && body.length === 2)
      return `${expression(body[0])} ${op} ${hex(body[1])}`;
    return raw(e);
  }
  switch (op) {
    case 'payload':
      return typeof body['protocol'] === 'string' && typeof body['field'] === 'string'
        ? `${body['protocol']} ${body['field']}`
        : raw(e);
    case 'meta':
      return typeof body['key'] !== 'string'
        ? raw(e)
        : NAME_KEYS.has(body['key'])
          ? body['key']
          : `meta ${body['key']}`;
    case 'ct': {
      const key = body['key'];
      const dir = body['dir'];
      if (typeof key !== 'string') return raw(e);
      // Older nft writes `{"key": "daddr", "family": "ip"}` for what newer nft writes as `"ip daddr"`.
      const family = typeof body['family'] === 'string' && !key.includes(' ') ? `${body['family']} ` : '';
      return `ct ${typeof dir === 'string' ? `${dir} ` : ''}${family}${key}`;
    }
    case 'prefix':
      return typeof body['addr'] === 'string' && typeof body['len'] === 'number'
        ? `${body['addr']}/${body['len']}`
        : raw(e);
    default:
      return raw(e);
  }
}

const isBinary = (e: Json): boolean => isObject(e) && ('&' in e || '|' in e);
const isName = (e: Json): boolean =>
  isObject(e) && isObject(e['meta']) && NAME_KEYS.has(String(e['meta']['key']));

function match(m: Record<string, Json>): string {
  const left = m['left'];
  const right = m['right'];
  const op = m['op'];
  const r =
    isName(left) && typeof right === 'string'
      ? JSON.stringify(right)
      : isBinary(left)
        ? hex(right)
        : value(right);
  if (isBinary(left)) return `${expression(left)} ${op === 'in' ? '==' : String(op)} ${r}`;
  // `==` is implicit in nft's syntax, and so is `in` for flags (`ct status dnat`).
  if (op === '==' || op === 'in') return `${expression(left)} ${r}`;
  return `${expression(left)} ${String(op)} ${r}`;
}

function nat(kind: string, n: Record<string, Json>): string {
  const addr = n['addr'];
  const port = n['port'];
  const flags = n['flags'];
  const keys = Object.keys(n).filter((k) => !['addr', 'port', 'flags', 'family'].includes(k));
  if (typeof addr !== 'string' || keys.length) return raw({ [kind]: n });
  const flagText = [flags ?? []].flat().map(String).join(' ');
  // An IPv6 address with a port is bracketed, as nft prints it (`dnat to [fd00::5]:80`).
  const to = port === undefined ? addr : `${addr.includes(':') ? `[${addr}]` : addr}:${value(port)}`;
  return `${kind} to ${to}${flagText ? ` ${flagText}` : ''}`;
}

/** One statement of a rule's `expr` list, as nft-rules.ts writes it. */
export function statement(s: Json): string {
  if (!isObject(s) || Object.keys(s).length !== 1) return raw(s);
  const [kind, body] = Object.entries(s)[0]!;
  if (['accept', 'drop', 'return', 'continue'].includes(kind)) return kind;
  if (kind === 'counter') return 'counter';
  if (!isObject(body)) return raw(s);
  switch (kind) {
    case 'match':
      return match(body);
    case 'snat':
    case 'dnat':
      return nat(kind, body);
    case 'jump':
    case 'goto':
      return typeof body['target'] === 'string' ? `${kind} ${body['target']}` : raw(s);
    case 'mangle':
      return `${expression(body['key'])} set ${expression(body['value'])}`;
    default:
      return raw(s);
  }
}

function baseOf(c: Record<string, Json>): NftBase | undefined | 'unknown' {
  if (c['hook'] === undefined) return undefined;
  const { type, hook, prio, policy } = c;
  if (
    (type !== 'nat' && type !== 'filter') ||
    (hook !== 'prerouting' && hook !== 'postrouting') ||
    typeof prio !== 'number' ||
    policy !== 'accept'
  )
    return 'unknown';
  return { type, hook, priority: prio, policy };
}

/** Our table, from the JSON `nft -j list table ip kovn-nat` prints. Throws when it is not nft's JSON. */
export function parseNftTable(text: string): NftRuleSet {
  const doc = JSON.parse(text) as { nftables?: Json };
  if (!isObject(doc) || !Array.isArray(doc.nftables))
    throw new Error('not the JSON of nft -j: no "nftables" list');
  const chains = new Map<string, NftChain>();
  const foreign: string[] = [];
  const chainNamed = (name: string): NftChain => {
    const c = chains.get(name) ?? { name, rules: [] };
    chains.set(name, c);
    return c;
  };
  for (const entry of doc.nftables as Json[]) {
    if (!isObject(entry)) continue;
    const [kind, body] = Object.entries(entry)[0] ?? [];
    if (kind === 'metainfo' || (kind === 'table' && isObject(body) && body['name'] === NFT_TABLE)) continue;
    if (kind === 'chain' && isObject(body) && typeof body['name'] === 'string') {
      const base = baseOf(body);
      const c = chainNamed(body['name']);
      if (base === 'unknown') foreign.push(`chain ${body['name']} ${JSON.stringify(body)}`);
      else if (base) c.base = base;
    } else if (kind === 'rule' && isObject(body) && typeof body['chain'] === 'string') {
      const exprs = Array.isArray(body['expr']) ? (body['expr'] as Json[]) : [];
      chainNamed(body['chain']).rules.push(exprs.map(statement).join(' '));
    } else {
      foreign.push(JSON.stringify(entry));
    }
  }
  return { chains: [...chains.values()], foreign };
}
