import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockCidrs, parseCidrBlock, type CidrBlockError } from '../../../src/net/cidr-block.ts';
import { formatCidr } from '../../../src/net/ip.ts';

void test('parseCidrBlock: the parts, each family, the protocol and the errors of a cidrBlock', () => {
  const cases: {
    name: string;
    text: string | undefined;
    parts: string[];
    v4?: string;
    v6?: string;
    protocol: 'IPv4' | 'IPv6' | 'Dual';
    errors: CidrBlockError[];
  }[] = [
    { name: 'absent', text: undefined, parts: [], protocol: 'IPv4', errors: [{ kind: 'empty' }] },
    { name: 'empty', text: '', parts: [], protocol: 'IPv4', errors: [{ kind: 'empty' }] },
    {
      name: 'blank is one empty part, not an absent block',
      text: ' ',
      parts: [''],
      protocol: 'IPv4',
      errors: [{ kind: 'unparsable', part: '' }],
    },
    {
      name: 'IPv4',
      text: '10.0.1.0/24',
      parts: ['10.0.1.0/24'],
      v4: '10.0.1.0/24',
      protocol: 'IPv4',
      errors: [],
    },
    {
      name: 'IPv6',
      text: 'fd00::/120',
      parts: ['fd00::/120'],
      v6: 'fd00::/120',
      protocol: 'IPv6',
      errors: [],
    },
    {
      name: 'dual stack, either order, parts trimmed',
      text: 'fd00::/120, 10.0.1.0/24',
      parts: ['fd00::/120', '10.0.1.0/24'],
      v4: '10.0.1.0/24',
      v6: 'fd00::/120',
      protocol: 'Dual',
      errors: [],
    },
    {
      name: 'host bits are kept as written',
      text: '10.0.1.5/24',
      parts: ['10.0.1.5/24'],
      v4: '10.0.1.5/24',
      protocol: 'IPv4',
      errors: [],
    },
    {
      name: 'a trailing comma is an empty part',
      text: '10.0.1.0/24,',
      parts: ['10.0.1.0/24', ''],
      v4: '10.0.1.0/24',
      protocol: 'IPv4',
      errors: [{ kind: 'unparsable', part: '' }],
    },
    {
      name: 'not a CIDR',
      text: '10.0.1.0',
      parts: ['10.0.1.0'],
      protocol: 'IPv4',
      errors: [{ kind: 'unparsable', part: '10.0.1.0' }],
    },
    {
      name: 'upper-case IPv6 does not parse',
      text: '10.0.1.0/24,FD00::/120',
      parts: ['10.0.1.0/24', 'FD00::/120'],
      v4: '10.0.1.0/24',
      protocol: 'IPv4',
      errors: [{ kind: 'unparsable', part: 'FD00::/120' }],
    },
    {
      name: 'two of one family: the first is the family CIDR',
      text: '10.0.1.0/24,10.0.2.0/24',
      parts: ['10.0.1.0/24', '10.0.2.0/24'],
      v4: '10.0.1.0/24',
      protocol: 'IPv4',
      errors: [{ kind: 'same-family', family: 4 }],
    },
    {
      name: 'three parts',
      text: '10.0.1.0/24,fd00::/120,x',
      parts: ['10.0.1.0/24', 'fd00::/120', 'x'],
      v4: '10.0.1.0/24',
      v6: 'fd00::/120',
      protocol: 'Dual',
      errors: [
        { kind: 'too-many', count: 3 },
        { kind: 'unparsable', part: 'x' },
      ],
    },
  ];
  for (const c of cases) {
    const block = parseCidrBlock(c.text);
    assert.deepEqual(
      block.parts.map((p) => p.text),
      c.parts,
      `${c.name}: parts`,
    );
    assert.equal(block.v4?.text, c.v4, `${c.name}: v4`);
    assert.equal(block.v6?.text, c.v6, `${c.name}: v6`);
    assert.equal(block.protocol, c.protocol, `${c.name}: protocol`);
    assert.deepEqual(block.errors, c.errors, `${c.name}: errors`);
    assert.deepEqual(
      block.cidrs.map(formatCidr),
      block.parts.flatMap((p) => (p.cidr ? [formatCidr(p.cidr)] : [])),
      `${c.name}: cidrs are the parts that parse`,
    );
  }
});

void test('parseCidrBlock: the family CIDRs are parsed (network address, prefix)', () => {
  const block = parseCidrBlock('10.0.1.5/24,fd00::5/120');
  assert.equal(block.v4 && formatCidr(block.v4.cidr), '10.0.1.0/24');
  assert.equal(block.v4?.cidr.prefix, 24);
  assert.equal(block.v6 && formatCidr(block.v6.cidr), 'fd00::/120');
});

void test('blockCidrs: every CIDR, or undefined when the block is empty or a part does not parse', () => {
  const cases: [string | undefined, string[] | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    [' ', undefined],
    ['10.0.1.0/24', ['10.0.1.0/24']],
    ['10.0.1.5/24, fd00::/120', ['10.0.1.0/24', 'fd00::/120']],
    ['10.0.1.0/24,', undefined],
    ['10.0.1.0/24,nope', undefined],
    // Structure is the validator's business: two of one family still parse.
    ['10.0.1.0/24,10.0.2.0/24', ['10.0.1.0/24', '10.0.2.0/24']],
  ];
  for (const [text, want] of cases)
    assert.deepEqual(blockCidrs(text)?.map(formatCidr), want, JSON.stringify(text));
});
