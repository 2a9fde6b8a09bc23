/**
 * The `ip` and `ethtool` commands that build one external network in the lab (pure; upstream.ts runs them, each one
 * required to succeed): in the upstream namespace a bridge `br0` holding the gateway address, and per node a veth
 * whose node end is the NAD's `master` and whose other end (`n<i>`) is a port of `br0`. Checksum offload is turned off
 * on every link: TCP that crosses into OVS's userspace datapath needs full checksums.
 */
import type { ExternalNetwork } from './upstream-plan.ts';

/** A program and its arguments, run in `netns` when given. */
export interface Command {
  args: string[];
  netns?: string;
}

/** The bridge of the upstream namespace `up`, with the gateway address (and the IPv6 one, usable at once), up. */
export function bridgeCommands(n: ExternalNetwork, up: string): Command[] {
  return [
    { args: ['ip', '-n', up, 'link', 'add', 'br0', 'type', 'bridge'] },
    { args: ['ip', '-n', up, 'addr', 'add', n.gatewayAddress, 'dev', 'br0'] },
    ...(n.gatewayAddress6
      ? [{ args: ['ip', '-n', up, 'addr', 'add', n.gatewayAddress6, 'dev', 'br0', 'nodad'] }]
      : []),
    { args: ['ip', '-n', up, 'link', 'set', 'br0', 'up'] },
    { args: ['ethtool', '-K', 'br0', 'tx', 'off'], netns: up },
  ];
}

/** The name of node `index`'s port on the bridge. */
export const bridgePort = (index: number): string => `n${index}`;

/** The veth from the node's namespace (`master`) to the bridge of `up` (`port`), both ends up. */
export function nodeLinkCommands(n: ExternalNetwork, up: string, nodeNetns: string, port: string): Command[] {
  return [
    {
      args: [
        'ip',
        'link',
        'add',
        n.master,
        'netns',
        nodeNetns,
        'type',
        'veth',
        'peer',
        'name',
        port,
        'netns',
        up,
      ],
    },
    { args: ['ip', '-n', up, 'link', 'set', port, 'master', 'br0', 'up'] },
    { args: ['ip', '-n', nodeNetns, 'link', 'set', n.master, 'up'] },
    { args: ['ethtool', '-K', port, 'tx', 'off'], netns: up },
    { args: ['ethtool', '-K', n.master, 'tx', 'off'], netns: nodeNetns },
  ];
}
