/**
 * What the topology page is built from: the cluster's objects as the informers hold them, and the northbound rows
 * the drift flags compare with. Types only.
 */
import type { IptablesEip } from '../api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { VpcDns } from '../api/kinds/vpc-dns.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import type { Vpc } from '../api/kinds/vpc.ts';
import type { KubeObject } from '../api/types.ts';

/** What the page is built from: the objects as the informers hold them. */
export interface ClusterObjects {
  vpcs: readonly Vpc[];
  subnets: readonly Subnet[];
  pods: readonly KubeObject[];
  natGateways: readonly VpcNatGateway[];
  eips: readonly IptablesEip[];
  dnats: readonly Dnat[];
  snats: readonly Snat[];
  fips: readonly Fip[];
  vpcDns: readonly VpcDns[];
}

/** What the northbound database holds, as far as the flags need it. */
export interface NbState {
  /** Router name -> its static routes. */
  routers: ReadonlyMap<string, readonly NbRoute[]>;
  switches: ReadonlySet<string>;
}

export interface NbRoute {
  prefix: string;
  nexthop: string;
  policy: 'dst-ip' | 'src-ip';
  table: string;
}
