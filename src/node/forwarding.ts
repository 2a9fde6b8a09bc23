/**
 * The node's forwarding, as Kube-OVN's install-cni step sets it on every node: IPv4 forwarding on and reverse-path
 * filtering off, so the node routes its pods' traffic that the default VPC sends to its `ovn0` (the distributed
 * gateway, ADR 27) out of the node, and the answers back in. Written in the node's namespace by the agent's
 * natOutgoing loop on each of its passes (../nat-outgoing/reconciler.ts), so a value someone reset comes back;
 * writing a value already there changes nothing. IPv6 forwarding is left as it is (the lab's node network is IPv4).
 */
import { check, type ProcessRunner } from '../util/exec.ts';
import type { Netns } from './agent/netns-path.ts';

export const NODE_FORWARDING_SYSCTLS = ['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0'] as const;

export async function enableNodeForwarding(runner: ProcessRunner, nodeNetns: Netns): Promise<void> {
  await check(runner, 'sysctl', ['-qw', ...NODE_FORWARDING_SYSCTLS], { netns: nodeNetns });
}
