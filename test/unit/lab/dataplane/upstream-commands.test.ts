// The commands that build one lab external network, as data: the upstream bridge with the gateway address, and per
// node a veth from the NAD's master to a bridge port, each link with checksum offload off.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bridgeCommands,
  bridgePort,
  nodeLinkCommands,
  type Command,
} from '../../../../src/lab/dataplane/upstream-commands.ts';

const network = { subnet: 'ext', gatewayAddress: '192.168.0.1/24', master: 'eth1' };
const text = (commands: Command[]) =>
  commands.map((c) => `${c.netns ? `[${c.netns}] ` : ''}${c.args.join(' ')}`);

describe('lab upstream network commands', () => {
  const cases: { name: string; commands: () => Command[]; want: string[] }[] = [
    {
      name: 'the bridge holds the gateway address',
      commands: () => bridgeCommands(network, 'up'),
      want: [
        'ip -n up link add br0 type bridge',
        'ip -n up addr add 192.168.0.1/24 dev br0',
        'ip -n up link set br0 up',
        '[up] ethtool -K br0 tx off',
      ],
    },
    {
      name: 'a dual-stack bridge holds the IPv6 gateway address too, without DAD',
      commands: () => bridgeCommands({ ...network, gatewayAddress6: 'fd00:e::1/64' }, 'up'),
      want: [
        'ip -n up link add br0 type bridge',
        'ip -n up addr add 192.168.0.1/24 dev br0',
        'ip -n up addr add fd00:e::1/64 dev br0 nodad',
        'ip -n up link set br0 up',
        '[up] ethtool -K br0 tx off',
      ],
    },
    {
      name: "a node's master is a veth to a port of the bridge",
      commands: () => nodeLinkCommands(network, 'up', 'node-a', bridgePort(1)),
      want: [
        'ip link add eth1 netns node-a type veth peer name n1 netns up',
        'ip -n up link set n1 master br0 up',
        'ip -n node-a link set eth1 up',
        '[up] ethtool -K n1 tx off',
        '[node-a] ethtool -K eth1 tx off',
      ],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(text(c.commands()), c.want));
});
