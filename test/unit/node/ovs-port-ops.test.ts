// The OVSDB operations the node agent plans for a pod port (src/node/ovs-port-ops.ts), as data: add-port on an
// empty bridge, nothing when the port already matches, only the changed external ids, and the refusals ovs-vsctl
// makes (a port on another bridge, no such bridge); del-port as a Bridge mutation, nothing when the port is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ensurePortOps,
  removePortOps,
  type FoundPort,
  type OvsBridge,
  type OvsInterface,
  type OvsPort,
} from '../../../src/node/ovs-port-ops.ts';

const U = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const brInt: OvsBridge = { _uuid: U(1), name: 'br-int', ports: [U(10)] };
const brEx: OvsBridge = { _uuid: U(2), name: 'br-ex', ports: [] };
const port: OvsPort = { _uuid: U(10), name: 'p_h', interfaces: [U(20)] };
const iface: OvsInterface = {
  _uuid: U(20),
  name: 'p_h',
  external_ids: { 'iface-id': 'p.default', ip: '10.16.0.5', other: 'kept' },
  ofport: 3,
};
const onBrInt: FoundPort = { port, iface, bridge: brInt };

void test('ensurePortOps', async (t) => {
  const cases: {
    name: string;
    found: FoundPort;
    bridge?: string;
    ids: Record<string, string>;
    want: unknown[] | RegExp;
  }[] = [
    {
      name: 'a new port: Interface, Port and the Bridge mutation in one transaction',
      found: {},
      ids: { 'iface-id': 'p.default' },
      want: [
        {
          op: 'insert',
          table: 'Interface',
          row: { name: 'p_h', external_ids: ['map', [['iface-id', 'p.default']]] },
          'uuid-name': 'iface',
        },
        {
          op: 'insert',
          table: 'Port',
          row: { name: 'p_h', interfaces: ['set', [['named-uuid', 'iface']]] },
          'uuid-name': 'port',
        },
        {
          op: 'mutate',
          table: 'Bridge',
          where: [['_uuid', '==', ['uuid', U(1)]]],
          mutations: [['ports', 'insert', ['set', [['named-uuid', 'port']]]]],
        },
      ],
    },
    {
      name: 'the port is there with these ids: nothing',
      found: onBrInt,
      ids: { 'iface-id': 'p.default', ip: '10.16.0.5' },
      want: [],
    },
    {
      name: 'one id changed: only that key is replaced, other keys stay',
      found: onBrInt,
      ids: { 'iface-id': 'p.default', ip: '10.16.0.6' },
      want: [
        {
          op: 'mutate',
          table: 'Interface',
          where: [['_uuid', '==', ['uuid', U(20)]]],
          mutations: [
            ['external_ids', 'delete', ['set', ['ip']]],
            ['external_ids', 'insert', ['map', [['ip', '10.16.0.6']]]],
          ],
        },
      ],
    },
    {
      name: 'the port is on another bridge',
      found: { port, iface, bridge: brEx },
      ids: {},
      want: /a port named p_h already exists on bridge br-ex/,
    },
    { name: 'no such bridge', found: {}, bridge: 'br-nope', ids: {}, want: /no bridge named br-nope/ },
    { name: 'a port without its interface', found: { port, bridge: brInt }, ids: {}, want: /no interface/ },
  ];
  for (const c of cases)
    await t.test(c.name, () => {
      const plan = () => ensurePortOps(c.found, [brInt, brEx], c.bridge ?? 'br-int', 'p_h', c.ids);
      if (c.want instanceof RegExp) assert.throws(plan, c.want);
      else assert.deepEqual(plan(), c.want);
    });
});

void test('removePortOps', async (t) => {
  const cases: { name: string; found: FoundPort; want: unknown[] | RegExp }[] = [
    {
      name: 'a port on br-int: dropped from its ports (the server deletes the Port and Interface)',
      found: onBrInt,
      want: [
        {
          op: 'mutate',
          table: 'Bridge',
          where: [['_uuid', '==', ['uuid', U(1)]]],
          mutations: [['ports', 'delete', ['set', [['uuid', U(10)]]]]],
        },
      ],
    },
    { name: 'no such port: nothing', found: {}, want: [] },
    {
      name: 'a port of another bridge',
      found: { port, bridge: brEx },
      want: /p_h is a port of bridge br-ex/,
    },
  ];
  for (const c of cases)
    await t.test(c.name, () => {
      const plan = () => removePortOps(c.found, 'br-int', 'p_h');
      if (c.want instanceof RegExp) assert.throws(plan, c.want);
      else assert.deepEqual(plan(), c.want);
    });
});
