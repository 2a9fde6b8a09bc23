/**
 * How deeply a request body may nest, checked before any recursive code touches it. V8's call stack has a fixed
 * size (about 1 MB) and structuredClone, JSON.stringify, the yaml library and the server's own merge, prune and
 * validation code recurse once per level: yaml.stringify fails near 650 levels, structuredClone near 1,650 (on an
 * empty stack), so a 200,000-deep body used to end as a stack overflow and a 500. kube-apiserver's JSON decoder
 * (sigs.k8s.io/json, a fork of Go's encoding/json scanner: `maxNestingDepth = 10000`, "exceeded max depth") and
 * yaml.v3 ("exceeded max depth of 10000") stop at 10,000 levels on goroutine stacks that grow as needed; this server
 * stops at `maxNestingDepth`, which every recursive step it runs survives, and far deeper than any real object.
 *
 * Three checks, none recursive: a scan over JSON bytes that counts brackets outside strings and stops at the first
 * level too deep (before JSON.parse builds anything); the yaml library's parser, stopped when its stack grows too
 * deep, and a walk of its concrete syntax tree (before it is composed); and a walk of a parsed value (YAML aliases
 * and JSON patches can build values deeper than their text; aliases can even build cycles). A level is an object or
 * an array: `{"a":[1]}` nests 2 levels.
 */
import { Lexer, Parser, type CST } from 'yaml';

export const maxNestingDepth = 500;

const quote = 0x22;
const backslash = 0x5c;
const opening = new Set([0x5b, 0x7b]); // [ {
const closing = new Set([0x5d, 0x7d]); // ] }

/** The byte offset where JSON text opens a level deeper than `limit`, or undefined (malformed text is JSON.parse's). */
export function jsonTooDeepAt(bytes: Uint8Array, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === backslash) i++;
      else if (b === quote) inString = false;
    } else if (b === quote) {
      inString = true;
    } else if (opening.has(b)) {
      depth++;
      if (depth > limit) return i;
    } else if (closing.has(b)) {
      depth--;
    }
  }
  return undefined;
}

/**
 * The offset of a YAML collection nested deeper than `limit` in the parser's tokens, or undefined. A `key: value`
 * pair inside a flow sequence (`[a: 1]`) is a map of its own and counts as a level.
 */
function cstTooDeepAt(tokens: readonly CST.Token[], limit: number): number | undefined {
  const stack: Array<[CST.Token, number]> = tokens.map((t) => [t, 0]);
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [token, depth] = entry;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
      continue;
    const inner = depth + 1;
    if (inner > limit) return token.offset;
    const pairsNest = token.type === 'flow-collection' && token.start.source === '[';
    for (const item of token.items as CST.CollectionItem[]) {
      const itemDepth = pairsNest && item.sep ? inner + 1 : inner;
      if (itemDepth > limit) return token.offset;
      if (item.key) stack.push([item.key, itemDepth]);
      if (item.value) stack.push([item.value, itemDepth]);
    }
  }
  return undefined;
}

/**
 * A YAML text's concrete syntax tree, or the offset where it nests deeper than `limit`. The parser is driven one
 * lexeme at a time and stopped once its stack (the document, the open collections and at most one scalar) is
 * deeper than the limit allows: it slows down as its stack grows (seconds for a 200,000-deep flow sequence).
 */
export function yamlTokens(text: string, limit: number): { tokens: CST.Token[] } | { tooDeepAt: number } {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > limit + 2) return { tooDeepAt: parser.offset };
  }
  for (const token of parser.end()) tokens.push(token);
  const tooDeepAt = cstTooDeepAt(tokens, limit);
  return tooDeepAt === undefined ? { tokens } : { tooDeepAt };
}

/** What is wrong with a parsed value's nesting: deeper than the limit, or a cycle (a YAML alias to its own ancestor). */
export type NestingProblem = 'too-deep' | 'cycle' | undefined;

/** Checks a parsed value (objects and arrays) with an explicit stack; a sub-value shared by aliases is walked once per depth. */
export function valueNesting(value: unknown, limit: number): NestingProblem {
  const onPath = new Set<object>();
  const checkedAt = new Map<object, number>();
  const stack: Array<{ node: object; depth: number; leaving: boolean }> = [];
  const enter = (node: unknown, depth: number): NestingProblem => {
    if (node === null || typeof node !== 'object') return undefined;
    if (onPath.has(node)) return 'cycle';
    if (depth > limit) return 'too-deep';
    if ((checkedAt.get(node) ?? 0) >= depth) return undefined; // checked (or queued) at this depth or deeper
    checkedAt.set(node, depth);
    stack.push({ node, depth, leaving: false });
    return undefined;
  };
  let problem = enter(value, 1);
  while (!problem && stack.length) {
    const frame = stack.pop()!;
    if (frame.leaving) {
      onPath.delete(frame.node);
      continue;
    }
    onPath.add(frame.node);
    stack.push({ ...frame, leaving: true });
    for (const child of Object.values(frame.node)) {
      problem = enter(child, frame.depth + 1);
      if (problem) break;
    }
  }
  return problem;
}
