/**
 * A node's NB row (Kube-OVN's node port): the Logical_Switch_Port `node-<node>` on the join switch, through which the
 * node's `ovn0` interface reaches the default VPC's router, with `addresses = ["<mac> <ip>[ <ip6>]"]` and no port
 * security (the node routes traffic for the pods it hosts). Pure.
 */
import { nodePortName } from '../../api/constants.ts';
import type { DesiredRow } from './model.ts';
import { nodeOwner, ownerTags } from './owner.ts';

export interface NodeNbInput {
  node: string;
  /** The join subnet's name. */
  subnet: string;
  mac: string;
  ips: readonly string[];
}

export function desiredNode(input: NodeNbInput): DesiredRow[] {
  return [
    {
      table: 'Logical_Switch_Port',
      parent: { table: 'Logical_Switch', name: input.subnet },
      columns: {
        name: nodePortName(input.node),
        addresses: [[input.mac, ...input.ips].join(' ')],
        port_security: [],
        external_ids: ownerTags(nodeOwner(input.node), { ls: input.subnet, node: input.node }),
      },
    },
  ];
}
