/**
 * A pod NIC's NB row (Kube-OVN's pkg/controller/pod.go; port name as its `ovs.PodNameToPortName`): the
 * Logical_Switch_Port `<pod>.<namespace>` (an OVN attachment's: `<pod>.<namespace>.<provider>`) on the chosen subnet's switch, with `addresses = ["<mac> <ip>[ <ip6>]"]`,
 * `port_security` as `reconcilers/next-hops.ts` decides it (ADR 22): `full` the same string (MAC and IPs), `mac` the MAC
 * alone (a pod that forwards for its VPC: any IP, no MAC spoofing), `off` none; and Kube-OVN's `ls`/`pod` external_ids.
 * Pure.
 */
import { portName } from '../../api/constants.ts';
import type { DesiredRow } from './model.ts';
import { ownerTags, podOwner } from './owner.ts';

export interface PodNbInput {
  namespace: string;
  name: string;
  /** The NIC's provider: absent for the primary NIC, `<nad>.<ns>.ovn` for an OVN attachment. */
  provider?: string;
  subnet: string;
  mac: string;
  /** The pod's addresses, IPv4 first. */
  ips: readonly string[];
  portSecurity: PortSecurity;
}

/** How much of the port's address the switch enforces on what the pod sends and receives. */
export type PortSecurity = 'full' | 'mac' | 'off';

function portSecurityColumn(mode: PortSecurity, mac: string, address: string): string[] {
  return mode === 'full' ? [address] : mode === 'mac' ? [mac] : [];
}

export const podPortName = (name: string, namespace: string): string => `${name}.${namespace}`;

export function desiredPod(input: PodNbInput): DesiredRow[] {
  const address = [input.mac, ...input.ips].join(' ');
  return [
    {
      table: 'Logical_Switch_Port',
      parent: { table: 'Logical_Switch', name: input.subnet },
      columns: {
        name:
          input.provider === undefined
            ? podPortName(input.name, input.namespace)
            : portName(input.name, input.namespace, input.provider),
        addresses: [address],
        port_security: portSecurityColumn(input.portSecurity, input.mac, address),
        external_ids: ownerTags(podOwner(input.namespace, input.name), {
          ls: input.subnet,
          pod: `${input.namespace}/${input.name}`,
        }),
      },
    },
  ];
}
