/**
 * A Subnet's NB rows (Kube-OVN's pkg/controller/subnet.go): the Logical_Switch `<subnet>`, the router port
 * `<vpc>-<subnet>` on the VPC router (networks = gateway/prefix per family, the recorded MAC, `options:route_table`
 * when `spec.routeTable` is set), its peer `<subnet>-<vpc>` on the switch, and the per-CIDR `allow` policy at priority
 * 31000 (in the default VPC too, where it keeps traffic between the VPC's subnets off the node gateways' reroutes:
 * node-gateway.ts). Kube-OVN's per-subnet src-ip route `cidr -> gateway` (PR #5260) is not written: its /N
 * src route outranks a user's 0.0.0.0/0 route and points at the router's own address (issue #5490, ADR 12). Pure:
 * the input is the defaulted Subnet and the router MAC.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import { SUBNET_ALLOW_PRIORITY, subnetAllowMatch } from '../../api/kinds/vpc-routes.ts';
import { blockCidrs } from '../../net/cidr-block.ts';
import { parseIp, type Cidr } from '../../net/ip.ts';
import type { DesiredRow } from './model.ts';
import { ownerTags, subnetOwner } from './owner.ts';

/** Kube-OVN's SubnetRouterPolicyPriority (admission warns about user policies next to it: api/kinds/vpc-routes.ts). */
export const SUBNET_POLICY_PRIORITY = SUBNET_ALLOW_PRIORITY;

export interface SubnetNbInput {
  /** The Subnet after defaulting (gateway, protocol, vpc filled in). */
  subnet: Subnet;
  /** The router port MAC: read back from the existing port, or freshly generated once. */
  routerMac: string;
}

export const routerPortName = (vpc: string, subnet: string): string => `${vpc}-${subnet}`;
export const switchPortName = (vpc: string, subnet: string): string => `${subnet}-${vpc}`;

/** Each CIDR of the block with its gateway (from `spec.gateway`, one per family). */
export function cidrGateways(subnet: Subnet): { cidr: Cidr; gateway: string }[] {
  const cidrs = blockCidrs(subnet.spec?.cidrBlock) ?? [];
  const gateways = (subnet.spec?.gateway ?? '').split(',').map((g) => g.trim());
  return cidrs.flatMap((cidr) => {
    const gateway = gateways.find((g) => parseIp(g)?.family === cidr.family);
    return gateway ? [{ cidr, gateway }] : [];
  });
}

export function desiredSubnet({ subnet, routerMac }: SubnetNbInput): DesiredRow[] {
  const name = subnet.metadata.name ?? '';
  const vpc = subnet.spec?.vpc ?? '';
  const tags = ownerTags(subnetOwner(name));
  const routeTable = subnet.spec?.routeTable ?? '';
  const families = cidrGateways(subnet);
  const router = { table: 'Logical_Router', name: vpc } as const;
  const rows: DesiredRow[] = [
    { table: 'Logical_Switch', columns: { name, external_ids: tags } },
    {
      table: 'Logical_Switch_Port',
      parent: { table: 'Logical_Switch', name },
      columns: {
        name: switchPortName(vpc, name),
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': routerPortName(vpc, name) },
        external_ids: tags,
      },
    },
    {
      table: 'Logical_Router_Port',
      parent: router,
      columns: {
        name: routerPortName(vpc, name),
        mac: routerMac,
        networks: families.map(({ cidr, gateway }) => `${gateway}/${cidr.prefix}`),
        options: routeTable ? { route_table: routeTable } : {},
        external_ids: tags,
      },
    },
  ];
  for (const { cidr } of families) {
    rows.push({
      table: 'Logical_Router_Policy',
      parent: router,
      columns: {
        priority: SUBNET_POLICY_PRIORITY,
        match: subnetAllowMatch(cidr),
        action: 'allow',
        external_ids: ownerTags(subnetOwner(name), { subnet: name }),
      },
    });
  }
  return rows;
}
