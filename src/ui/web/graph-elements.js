// @ts-check
// Topology -> cytoscape element definitions (pure: no DOM, no cytoscape instance). Each VPC is a compound node holding
// its router, its subnets (compound nodes holding their pods), its NAT gateways with their EIPs, and its VpcDns;
// external networks sit outside every VPC. Node ids are the topology's own ids, so flags and trace hops find them.

/** @typedef {import('../topology-types.ts').Topology} Topology */
/** @typedef {import('../topology-types.ts').VpcView} VpcView */
/** @typedef {import('../topology-types.ts').NatGatewayView} NatGatewayView */
/** @typedef {{ id: string, parent?: string, label: string, kind: string, tip: string }} NodeData */
/** @typedef {{ id: string, source: string, target: string, label: string, kind: string, tip: string }} EdgeData */
/** @typedef {{ group: 'nodes', data: NodeData, classes: string[] }} NodeDef */
/** @typedef {{ group: 'edges', data: EdgeData, classes: string[] }} EdgeDef */
/** @typedef {NodeDef | EdgeDef} ElementDef */

/**
 * A subnet reference as the topology writes it (`net1` or `subnet/net1`) -> the subnet's id.
 * @param {string} ref
 */
export function subnetId(ref) {
  return ref.startsWith('subnet/') ? ref : `subnet/${ref}`;
}

/**
 * Every node and edge to draw, parents before children and nodes before edges (the order cytoscape adds them in).
 * Edges whose far end is not drawn are left out (their flags say why).
 * @param {Topology} topology
 * @returns {ElementDef[]}
 */
export function topologyElements(topology) {
  /** @type {NodeDef[]} */
  const nodes = [];
  /** @type {EdgeDef[]} */
  const edges = [];
  for (const external of topology.externals) {
    nodes.push(
      node(external.id, undefined, 'external', `${external.name}\n${external.cidr}`, [], external.cidr),
    );
  }
  for (const vpc of topology.vpcs) vpcElements(vpc, nodes, edges);
  peeringEdges(topology.vpcs, edges);
  const drawn = new Set(nodes.map((n) => n.data.id));
  return [...nodes, ...edges.filter((e) => drawn.has(e.data.source) && drawn.has(e.data.target))];
}

/**
 * @param {VpcView} vpc
 * @param {NodeDef[]} nodes
 * @param {EdgeDef[]} edges
 */
function vpcElements(vpc, nodes, edges) {
  const namespaces = vpc.namespaces.length > 0 ? vpc.namespaces.join(', ') : 'all';
  nodes.push(
    node(
      vpc.id,
      undefined,
      'vpc',
      vpc.name,
      vpc.isDefault ? ['default'] : [],
      `VPC ${vpc.name}\nnamespaces: ${namespaces}`,
    ),
    node(vpc.routerId, vpc.id, 'router', 'router', [], `router ${vpc.routerId.replace(/^router\//, '')}`),
  );
  for (const subnet of vpc.subnets) {
    const label = `${subnet.name}  ${subnet.cidr}  ${subnet.used}/${subnet.available}`;
    const tip = `subnet ${subnet.name} ${subnet.cidr}\ngateway ${subnet.gateway}\n${subnet.used} used, ${subnet.available} available`;
    nodes.push(node(subnet.id, vpc.id, 'subnet', label, subnet.private ? ['private'] : [], tip));
    edges.push(
      edge(
        `attach:${subnet.id}`,
        vpc.routerId,
        subnet.id,
        'attach',
        subnet.cidr,
        `gateway ${subnet.gateway}`,
      ),
    );
    for (const pod of subnet.pods) {
      const tip = `pod ${pod.namespace}/${pod.name}\n${pod.ips.join(', ')}\nnode ${pod.node}\n${pod.ready ? 'Ready' : 'not Ready'}`;
      nodes.push(
        node(
          pod.id,
          subnet.id,
          'pod',
          [pod.name, ...pod.ips].join('\n'),
          pod.ready ? [] : ['not-ready'],
          tip,
        ),
      );
    }
  }
  for (const gateway of vpc.natGateways) natGatewayElements(gateway, vpc.id, nodes, edges);
  for (const dns of vpc.dns) {
    nodes.push(
      node(dns.id, vpc.id, 'dns', `dns ${dns.name}`, dns.active ? [] : ['inactive'], `VpcDns ${dns.name}`),
    );
    edges.push(
      edge(`dns:${dns.id}`, dns.id, subnetId(dns.subnet), 'dns', '', `VpcDns ${dns.name} on ${dns.subnet}`),
    );
  }
  for (const route of vpc.staticRoutes) {
    if (route.target === undefined) continue;
    const tip = `${route.field}: ${route.cidr} via ${route.nextHopIP} (${route.policy}, table ${route.routeTable || 'main'})`;
    edges.push(
      edge(`route:${vpc.routerId}:${route.field}`, vpc.routerId, route.target, 'route', route.cidr, tip),
    );
  }
  for (const route of vpc.policyRoutes) {
    const tip = `${route.field}: priority ${route.priority} ${route.match} ${route.action} ${route.nextHopIPs.join(', ')}`;
    for (const target of route.targets) {
      const id = `policy:${vpc.routerId}:${route.field}:${target}`;
      edges.push(edge(id, vpc.routerId, target, 'policy', shorten(route.match, 32), tip));
    }
  }
}

/**
 * A NAT gateway: its node, its EIPs as small nodes beside it, edges to its LAN subnet (labelled with its address),
 * to each EIP and on to the EIP's external network, and straight to the external networks it has no EIP on.
 * @param {NatGatewayView} gateway
 * @param {string} vpcId
 * @param {NodeDef[]} nodes
 * @param {EdgeDef[]} edges
 */
function natGatewayElements(gateway, vpcId, nodes, edges) {
  const classes = gateway.ready ? [] : ['not-ready'];
  const tip = `NAT gateway ${gateway.name}\nLAN ${gateway.lanIp} on ${gateway.subnet}\n${gateway.ready ? 'ready' : 'not ready'}`;
  nodes.push(node(gateway.id, vpcId, 'natgw', `natgw ${gateway.name}`, classes, tip));
  edges.push(edge(`lan:${gateway.id}`, gateway.id, subnetId(gateway.subnet), 'lan', gateway.lanIp, tip));
  for (const eip of gateway.eips) {
    const rules = [...eip.dnat, ...eip.snat, ...eip.fip].map((rule) => `${rule.name}: ${rule.text}`);
    const eipTip = [`EIP ${eip.name} ${eip.ip} on ${eip.external}`, ...rules].join('\n');
    nodes.push(node(eip.id, vpcId, 'eip', `${eip.name}\n${eip.ip}`, eip.ready ? [] : ['not-ready'], eipTip));
    edges.push(edge(`eip:${eip.id}`, gateway.id, eip.id, 'eip-link', '', eipTip));
    edges.push(edge(`uplink:${eip.id}`, eip.id, externalId(eip.external), 'uplink', '', eipTip));
  }
  const viaEip = new Set(gateway.eips.map((eip) => externalId(eip.external)));
  for (const external of gateway.externals.filter((id) => !viaEip.has(id))) {
    edges.push(edge(`uplink:${gateway.id}:${external}`, gateway.id, external, 'uplink', '', tip));
  }
}

/**
 * One edge per peered pair of routers (both sides list the peering), labelled with each side's connect address.
 * @param {VpcView[]} vpcs
 * @param {EdgeDef[]} edges
 */
function peeringEdges(vpcs, edges) {
  /** @type {Map<string, EdgeDef>} */
  const byPair = new Map();
  for (const vpc of vpcs) {
    for (const peering of vpc.peerings) {
      const [a = '', b = ''] = [vpc.routerId, peering.remote].sort();
      const id = `peer:${a}|${b}`;
      const seen = byPair.get(id);
      if (seen === undefined) {
        const created = edge(id, a, b, 'peering', peering.localConnectIP, `peering ${a} - ${b}`);
        byPair.set(id, created);
        edges.push(created);
      } else if (!seen.data.label.includes(peering.localConnectIP)) {
        seen.data.label = `${seen.data.label} - ${peering.localConnectIP}`;
      }
    }
  }
}

/**
 * An EIP's external network as written (`NAME` or `external/NAME`) -> its id.
 * @param {string} ref
 */
function externalId(ref) {
  return ref.startsWith('external/') ? ref : `external/${ref}`;
}

/**
 * @param {string} id
 * @param {string | undefined} parent
 * @param {string} kind
 * @param {string} label
 * @param {string[]} classes
 * @param {string} tip
 * @returns {NodeDef}
 */
function node(id, parent, kind, label, classes, tip) {
  /** @type {NodeData} */
  const data = { id, label, kind, tip };
  if (parent !== undefined) data.parent = parent;
  return { group: 'nodes', data, classes: [kind, ...classes] };
}

/**
 * @param {string} id
 * @param {string} source
 * @param {string} target
 * @param {string} kind
 * @param {string} label
 * @param {string} tip
 * @returns {EdgeDef}
 */
function edge(id, source, target, kind, label, tip) {
  return { group: 'edges', data: { id, source, target, label, kind, tip }, classes: [kind] };
}

/**
 * @param {string} text
 * @param {number} max
 */
function shorten(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
