/**
 * The checks on one comparison of an OVN match (ovn-sb(5)): a value of the field's type (quoted port names for
 * `inport`/`outport`, integers or `$address_set` for the rest, 0/1 for predicates), constants that fit the field and
 * masks written like their value (or a prefix length), relational operators only on ordinal fields, and equality
 * only, in a positive sense once enclosing `!` are counted, on nominal fields. Each failure names the column. Pure.
 */
import { MatchSyntaxError, type Token } from './lexer.ts';
import type { FieldSymbol } from './symbols.ts';

export type FieldOperand = {
  kind: 'field';
  name: string;
  symbol: FieldSymbol;
  width: number;
  whole: boolean;
};
export type Operand = FieldOperand | { kind: 'predicate' };

export const describe = (t: Token): string => (t.type === 'eof' ? 'the end' : `"${t.text}"`);

function fail(t: Token, message: string): never {
  throw new MatchSyntaxError(`column ${t.col}: ${message}`);
}

export function checkValue(
  operand: Operand,
  relop: string,
  v: Token,
  mask: Token | undefined,
  negated: boolean,
  at: Token,
): void {
  if (operand.kind === 'predicate') {
    if (v.type !== 'int' || v.value > 1n || mask) fail(v, 'a predicate compares only with 0 or 1');
    if (relop !== '==' && relop !== '!=') fail(at, 'a predicate takes only == or !=');
    return;
  }
  const { symbol, name } = operand;
  if (symbol.string) {
    const portGroup = v.type === 'ref' && v.sigil === '@';
    if (v.type !== 'string' && !portGroup) fail(v, `${name} compares with a quoted port name`);
  } else {
    if (v.type === 'string') fail(v, `${name} is an integer field; ${v.text} is a string`);
    if (v.type === 'ref' && v.sigil === '@') fail(v, `${name} cannot compare with port group ${v.text}`);
    if (v.type !== 'int' && v.type !== 'ref') fail(v, `expected a constant but found ${describe(v)}`);
    if (v.type === 'int') checkConstant(operand, v, mask);
  }
  if (relop !== '==' && relop !== '!=') {
    if (symbol.level === 'nominal') fail(at, `nominal field ${name} takes only == and !=`);
    if (mask || v.type !== 'int') fail(at, `${relop} takes a single unmasked constant`);
  }
  const inequality = (relop === '!=') !== negated;
  if (symbol.level === 'nominal' && inequality && (relop === '==' || relop === '!=')) {
    fail(
      at,
      `nominal field ${name} can only be tested for equality, also under "!" (OVN refuses !=); list the values to match instead`,
    );
  }
}

/** Width (whole fields only: OVN does not check constants against a bit range) and mask form. */
function checkConstant(operand: FieldOperand, v: Extract<Token, { type: 'int' }>, mask?: Token): void {
  const { name, width, whole } = operand;
  if (whole && v.value >= 1n << BigInt(width)) fail(v, `${v.text} does not fit ${name} (${width} bits)`);
  if (!mask || mask.type !== 'int') return;
  const isPrefix = mask.form === 'decimal' && (v.form === 'ipv4' || v.form === 'ipv6');
  if (isPrefix) {
    const max = v.form === 'ipv4' ? 32 : 128;
    if (mask.value > BigInt(max)) fail(mask, `prefix /${mask.text} is longer than ${max}`);
    return;
  }
  if (mask.form !== v.form) fail(mask, `mask ${mask.text} is not written like the value ${v.text}`);
  if (whole && mask.value >= 1n << BigInt(width)) {
    fail(mask, `mask ${mask.text} does not fit ${name} (${width} bits)`);
  }
}
