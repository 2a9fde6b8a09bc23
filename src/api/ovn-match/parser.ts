/**
 * A checker for OVN match expressions (ovn-sb(5) grammar and rules), so a policy route whose match ovn-controller
 * would refuse is rejected at the API with the reason instead of silently producing no flow. It parses `&&`/`||`
 * (which need parentheses when mixed), `!` (which needs parentheses around a comparison), parentheses (nested at
 * most 100 deep, as in OVN), comparisons in either order and ranges (`1024 <= tcp.src <= 49151`), value sets `{...}`,
 * masked constants and prefixes, bit ranges `reg0[0..15]`, `$address_set`/`@port_group` references,
 * `is_chassis_resident("p")`, the literals 0 and 1; each comparison is checked against its symbol in checks.ts. Pure.
 */
import { checkValue, describe, type Operand } from './checks.ts';
import { MatchSyntaxError, tokenize, type Token } from './lexer.ts';
import { lookupSymbol } from './symbols.ts';

const RELOPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** ovn-controller's limit (lib/expr.c MAX_PAREN_DEPTH): deeper nesting is refused, so it also bounds our recursion. */
export const MAX_PAREN_DEPTH = 100;
const FUNCTIONS = new Set(['is_chassis_resident']);

class Parser {
  private i = 0;
  private depth = 0;
  private readonly tokens: Token[];
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    this.i++;
    return t;
  }
  private isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.text === text;
  }
  private fail(t: Token, message: string): never {
    throw new MatchSyntaxError(`column ${t.col}: ${message}`);
  }
  private expect(text: string): Token {
    const t = this.next();
    if (t.type !== 'op' || t.text !== text) {
      this.fail(t, `expected "${text}" but found ${t.type === 'eof' ? 'the end' : `"${t.text}"`}`);
    }
    return t;
  }

  parseAll(): void {
    this.expression(false);
    const t = this.peek();
    if (t.type !== 'eof') this.fail(t, `unexpected "${t.text}" after a complete expression`);
  }

  /** term (&& term)* or term (|| term)*; mixing the two needs parentheses. */
  private expression(negated: boolean): void {
    this.unary(negated);
    let joiner: string | undefined;
    while (this.isOp('&&') || this.isOp('||')) {
      const op = this.next();
      if (joiner && joiner !== op.text) this.fail(op, '&& and || must be parenthesized when used together');
      joiner = op.text;
      this.unary(negated);
    }
  }

  private unary(negated: boolean): void {
    if (!this.isOp('!')) return void this.primary(negated, false);
    this.next();
    this.unaryAfterNot(!negated);
  }

  private unaryAfterNot(negated: boolean): void {
    if (this.isOp('!')) this.fail(this.peek(), 'write !(!x) rather than !!x');
    this.primary(negated, true);
  }

  private primary(negated: boolean, afterNot: boolean): void {
    const t = this.peek();
    if (this.isOp('(')) {
      if (this.depth >= MAX_PAREN_DEPTH)
        this.fail(t, `parentheses nested too deeply (at most ${MAX_PAREN_DEPTH})`);
      this.next();
      this.depth++;
      this.expression(negated);
      this.depth--;
      this.expect(')');
      return;
    }
    if (t.type === 'id' && FUNCTIONS.has(t.text) && this.isOp('(', 1)) {
      this.next();
      this.next();
      const arg = this.next();
      if (arg.type !== 'string') this.fail(arg, `${t.text}() takes a quoted logical port name`);
      this.expect(')');
      return;
    }
    if (t.type === 'int') return this.constantFirst(negated, afterNot);
    if (t.type !== 'id') this.fail(t, `expected a field name, a constant or "(" but found ${describe(t)}`);
    const operand = this.operand();
    const relop = this.peek();
    if (relop.type === 'op' && RELOPS.has(relop.text)) {
      if (afterNot) this.fail(t, 'missing parentheses around the comparison after "!"');
      this.next();
      this.compare(operand, relop, negated);
      return;
    }
    if (operand.kind === 'field' && operand.width !== 1) {
      const name = operand.name;
      this.fail(
        t,
        `${name} is a ${operand.symbol.string ? 'string' : `${operand.width}-bit`} field: compare it`,
      );
    }
  }

  /** `80 == tcp.dst`, `1024 <= tcp.src <= 49151`, or the literal 0 / 1 on its own. */
  private constantFirst(negated: boolean, afterNot: boolean): void {
    const value = this.next() as Extract<Token, { type: 'int' }>;
    const op = this.peek();
    if (!(op.type === 'op' && RELOPS.has(op.text))) {
      if (value.value > 1n || value.form !== 'decimal') this.fail(value, 'only 0 or 1 may stand alone');
      return;
    }
    if (afterNot) this.fail(value, 'missing parentheses around the comparison after "!"');
    this.next();
    const fieldToken = this.peek();
    if (fieldToken.type !== 'id') this.fail(fieldToken, `expected a field name after "${op.text}"`);
    const operand = this.operand();
    checkValue(operand, flip(op.text), value, undefined, negated, fieldToken);
    const second = this.peek();
    if (second.type === 'op' && RELOPS.has(second.text)) {
      const down = (o: string) => o === '>' || o === '>=';
      if (op.text === '==' || op.text === '!=' || second.text === '==' || second.text === '!=') {
        this.fail(second, 'a range is written low < field < high (or high > field > low)');
      }
      if (down(op.text) !== down(second.text))
        this.fail(second, 'a range must point one way: < with <, > with >');
      this.next();
      const high = this.next();
      if (high.type !== 'int') this.fail(high, 'expected a constant for the upper end of the range');
      checkValue(operand, second.text, high, undefined, negated, fieldToken);
    }
  }

  /** A symbol, with an optional bit range `[lo..hi]` or bit `[n]` on ordinal fields. */
  private operand(): Operand {
    const t = this.next() as Extract<Token, { type: 'id' }>;
    const symbol = lookupSymbol(t.text);
    if (!symbol) this.fail(t, `unknown field ${t.text}`);
    if (symbol.kind === 'predicate') {
      // OVN treats a predicate as a one-bit value: `ip4[0]` is `ip4`
      if (this.isOp('[')) {
        const open = this.next();
        const bit = this.next();
        if (bit.type !== 'int' || bit.value !== 0n)
          this.fail(open, `${t.text} is a predicate: only bit [0] exists`);
        if (this.isOp('..')) {
          this.next();
          const hi = this.next();
          if (hi.type !== 'int' || hi.value !== 0n)
            this.fail(open, `${t.text} is a predicate: only bit [0] exists`);
        }
        this.expect(']');
      }
      return { kind: 'predicate' };
    }
    if (!this.isOp('[')) return { kind: 'field', name: t.text, symbol, width: symbol.width, whole: true };
    const open = this.next();
    if (symbol.level !== 'ordinal') this.fail(open, `cannot select bits of nominal field ${t.text}`);
    const lo = this.next();
    if (lo.type !== 'int' || lo.form !== 'decimal') this.fail(lo, 'expected a bit index');
    let hi: Token = lo;
    if (this.isOp('..')) {
      this.next();
      hi = this.next();
      if (hi.type !== 'int' || hi.form !== 'decimal') this.fail(hi, 'expected a bit index');
    }
    this.expect(']');
    const [l, h] = [Number(lo.value), Number(hi.value)];
    if (l > h || h >= symbol.width)
      this.fail(lo, `bits ${l}..${h} are outside ${t.text} (${symbol.width} bits)`);
    return { kind: 'field', name: `${t.text}[${l}..${h}]`, symbol, width: h - l + 1, whole: false };
  }

  private compare(operand: Operand, relop: Token, negated: boolean): void {
    const start = this.peek();
    if (this.isOp('{')) {
      if (relop.text !== '==' && relop.text !== '!=') this.fail(relop, 'a set {...} takes only == or !=');
      this.next();
      let count = 0;
      while (!this.isOp('}')) {
        const v = this.next();
        checkValue(operand, relop.text, v, this.mask(v), negated, start);
        count++;
        if (this.isOp(',')) this.next();
      }
      this.next();
      if (count === 0) this.fail(start, 'empty set {}');
      return;
    }
    const v = this.next();
    checkValue(operand, relop.text, v, this.mask(v), negated, start);
  }

  /** `/mask` after a constant: a constant of the same form, or a prefix length. */
  private mask(value: Token): Token | undefined {
    if (value.type !== 'int' || !this.isOp('/')) return undefined;
    this.next();
    const m = this.next();
    if (m.type !== 'int') this.fail(m, 'expected a mask or prefix length after "/"');
    return m;
  }
}

const flip = (op: string): string => ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' })[op] ?? op;

/** Undefined if OVN would accept the match, else why not (with the column). */
export function matchError(source: string): string | undefined {
  if (!source.trim()) return 'a match expression is required';
  try {
    new Parser(tokenize(source)).parseAll();
    return undefined;
  } catch (err) {
    if (err instanceof MatchSyntaxError) return err.message;
    throw err;
  }
}
