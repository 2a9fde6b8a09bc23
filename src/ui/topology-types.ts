/**
 * The network as the topology page draws it: the JSON the UI server sends (`GET /api/topology`, and each
 * `topology` event of `GET /api/events`) and the page reads. Every drawable thing has an `id` (`vpc/NAME`,
 * `router/NAME`, `subnet/NAME`, `pod/NS/NAME`, `natgw/NAME`, `eip/NAME`, `dns/NAME`, `external/NAME`); flags and
 * trace hops point at those ids. Types only: topology.ts builds it, src/ui/web/ draws it.
 */

export interface Topology {
  /** ms since the epoch when the server built it. */
  builtAt: number;
  /** Whether drift against the northbound database is checked (`connected`), could not be (`unavailable`), or
   * was not asked for (`off`: no NB address). */
  nb: 'connected' | 'unavailable' | 'off';
  /** Whether `POST /api/trace` can run (the server knows an NB and SB to trace against). */
  trace: boolean;
  vpcs: VpcView[];
  /** External networks the NAT gateways attach to (Subnets with a provider outside OVN, or not in any VPC). */
  externals: ExternalView[];
  /** Drift and misconfiguration, each on the element it is about. */
  flags: Flag[];
}

export interface VpcView {
  id: string;
  /** The router drawn inside the VPC: `router/NAME`. */
  routerId: string;
  name: string;
  /** The default VPC (`ovn-cluster`). */
  isDefault: boolean;
  namespaces: string[];
  subnets: SubnetView[];
  natGateways: NatGatewayView[];
  dns: VpcDnsView[];
  staticRoutes: StaticRouteView[];
  policyRoutes: PolicyRouteView[];
  peerings: PeeringView[];
}

export interface SubnetView {
  id: string;
  name: string;
  vpc: string;
  /** `cidrBlock` as written (`v4,v6` for dual stack). */
  cidr: string;
  gateway: string;
  private: boolean;
  /** IPs in use and free (v4 and v6 summed), from the Subnet status. */
  used: number;
  available: number;
  pods: PodView[];
}

export interface PodView {
  id: string;
  namespace: string;
  name: string;
  ips: string[];
  node: string;
  ready: boolean;
  subnet: string;
}

export interface NatGatewayView {
  id: string;
  name: string;
  vpc: string;
  /** The VPC subnet of its LAN side, and its address there (the next hop of the VPC's default route). */
  subnet: string;
  lanIp: string;
  /** Ids (`external/NAME`) of the external networks it attaches to. */
  externals: string[];
  ready: boolean;
  eips: EipView[];
}

export interface EipView {
  id: string;
  name: string;
  ip: string;
  external: string;
  ready: boolean;
  dnat: NatRuleView[];
  snat: NatRuleView[];
  fip: NatRuleView[];
}

export interface NatRuleView {
  /** `dnat/NAME`, `snat/NAME` or `fip/NAME`. */
  id: string;
  name: string;
  ready: boolean;
  /** One line: `tcp 8080 -> 10.0.1.5:80`, `10.0.1.0/24`, `-> 10.0.1.7`. */
  text: string;
  /** The pod the rule's internal address belongs to, if any. */
  target?: string;
}

export interface VpcDnsView {
  id: string;
  name: string;
  subnet: string;
  active: boolean;
}

export interface StaticRouteView {
  /** `spec.staticRoutes[i]`. */
  field: string;
  policy: 'policyDst' | 'policySrc';
  cidr: string;
  nextHopIP: string;
  routeTable: string;
  /** The element holding the next hop (a pod, a NAT gateway, a peer router); absent when nothing does. */
  target?: string;
}

export interface PolicyRouteView {
  /** `spec.policyRoutes[i]`. */
  field: string;
  priority: number;
  match: string;
  action: string;
  nextHopIPs: string[];
  /** The elements holding the next hops. */
  targets: string[];
}

export interface PeeringView {
  /** `router/REMOTE`. */
  remote: string;
  localConnectIP: string;
}

export interface ExternalView {
  id: string;
  name: string;
  cidr: string;
}

export interface Flag {
  /** The element it is about (any id above). */
  target: string;
  severity: 'warning' | 'error';
  /** Stable name of the check: `nb-missing`, `rule-refused`, `eip-not-ready`, `route-nexthop-unknown`,
   * `natgw-no-default-route`, `subnet-nearly-full`, `not-ready`. */
  code: string;
  message: string;
}

/** `POST /api/trace` asks for this (`dest`: `NS/POD` or an IP address; `tcp`/`udp`: a port, else ICMP echo). */
export interface TraceRequest {
  source: string;
  dest: string;
  tcp?: number;
  udp?: number;
}

/** What a trace returns: `kovn trace`'s lines, and the path as element ids for the page to draw. */
export interface TraceResult {
  /** The ids along the path, in order (source pod, switches, routers, ..., destination pod when delivered). */
  hops: string[];
  /** Per router crossed (`router/NAME`): the route, policy and next hop lines that decided there. */
  decisions: { target: string; lines: string[] }[];
  verdict: { kind: 'delivered' | 'dropped' | 'unknown'; text: string };
  /** Everything `kovn trace` prints. */
  lines: string[];
}
