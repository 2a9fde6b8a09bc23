/**
 * How the network reconcilers speak to IPAM: the IPAM view of a defaulted Subnet, and the owner of a NIC's address,
 * which is the NIC's Logical_Switch_Port name (`portName`: `<pod>.<namespace>` on the default provider,
 * `<pod>.<namespace>.<provider>` for an attachment). Pure.
 */
import { portName } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { SubnetSpec } from '../../ipam/index.ts';

/** The IPAM view of a defaulted Subnet. */
export function ipamSpec(subnet: Subnet, reservedMacs: readonly string[] = []): SubnetSpec {
  return {
    name: subnet.metadata.name ?? '',
    cidrBlock: subnet.spec?.cidrBlock ?? '',
    gateway: subnet.spec?.gateway,
    excludeIps: subnet.spec?.excludeIps ?? [],
    reservedMacs,
  };
}

/** The pod's NIC name: its IPAM owner and its Logical_Switch_Port name (default provider). */
export const nicName = (name: string, namespace: string): string => portName(name, namespace);

/** The IPAM owner of a pod's NIC on an attachment provider (`<name>.<namespace>`, never the default one). */
export const attachmentOwner = (name: string, namespace: string, provider: string): string =>
  portName(name, namespace, provider);
