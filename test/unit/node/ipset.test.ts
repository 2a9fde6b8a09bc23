// The node agent's ipset helper's pure parts (src/node/ipset.ts), table-driven: reading `ipset save`, and the
// `ipset restore` input for a missing set (created) and a changed one (twin filled, swapped in, destroyed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalMember, renderSet, savedSets, type IpSet } from '../../../src/node/ipset.ts';

const set: IpSet = {
  name: 'ovn40subnets',
  temp: 'ovn41subnets',
  type: 'hash:net',
  family: 4,
  members: ['10.17.0.0/16', '10.16.0.0/16'],
};

describe('savedSets', () => {
  const cases: { name: string; save: string; want: [string, string[]][] }[] = [
    { name: 'empty dump', save: '', want: [] },
    {
      name: 'sets with and without members',
      save: [
        'create ovn40subnets hash:net family inet hashsize 1024 maxelem 1048576 bucketsize 12 initval 0x1',
        'add ovn40subnets 10.16.0.0/16',
        'add ovn40subnets 1.2.3.4',
        'create other hash:ip family inet6 hashsize 1024 maxelem 65536',
        '',
      ].join('\n'),
      want: [
        ['ovn40subnets', ['10.16.0.0/16', '1.2.3.4']],
        ['other', []],
      ],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual([...savedSets(c.save)], c.want));
});

describe('canonicalMember', () => {
  for (const [given, want] of [
    ['1.2.3.4/32', '1.2.3.4'],
    ['10.16.0.0/16', '10.16.0.0/16'],
    ['fd00::1/128', 'fd00::1'],
    ['fd00::/64', 'fd00::/64'],
  ] as const)
    it(`${given} -> ${want}`, () => assert.equal(canonicalMember(given), want));
});

describe('renderSet', () => {
  const cases: { name: string; set: IpSet; exists: boolean; want: string[] }[] = [
    {
      name: 'missing: created with its members, sorted',
      set,
      exists: false,
      want: [
        'create ovn40subnets hash:net family inet maxelem 1048576 -exist',
        'add ovn40subnets 10.16.0.0/16',
        'add ovn40subnets 10.17.0.0/16',
      ],
    },
    {
      name: 'existing: the twin is filled and swapped in',
      set: { ...set, name: 'ovn60subnets', temp: 'ovn61subnets', family: 6, members: ['fd00::/64'] },
      exists: true,
      want: [
        'create ovn61subnets hash:net family inet6 maxelem 1048576 -exist',
        'flush ovn61subnets',
        'add ovn61subnets fd00::/64',
        'swap ovn61subnets ovn60subnets',
        'destroy ovn61subnets',
      ],
    },
    {
      name: 'existing, emptied: the twin swapped in is empty',
      set: { ...set, members: [] },
      exists: true,
      want: [
        'create ovn41subnets hash:net family inet maxelem 1048576 -exist',
        'flush ovn41subnets',
        'swap ovn41subnets ovn40subnets',
        'destroy ovn41subnets',
      ],
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.equal(renderSet(c.set, c.exists), [...c.want, ''].join('\n')));
});
