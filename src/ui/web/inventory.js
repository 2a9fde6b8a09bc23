// @ts-check
// The DOM inventory beside the graph (the graph is a canvas; people who read text, tests and `--dump-dom` read
// this): per VPC its router, subnets with their pods, NAT gateways with EIPs and rules, VpcDns, routes and peerings;
// then the external networks. Rebuilt whole on each topology; every item carries the `data-id` of what it shows.

import { h } from './dom.js';

/** @typedef {import('../topology-types.ts').Topology} Topology */
/** @typedef {import('../topology-types.ts').VpcView} VpcView */
/** @typedef {import('../topology-types.ts').SubnetView} SubnetView */
/** @typedef {import('../topology-types.ts').PodView} PodView */
/** @typedef {import('../topology-types.ts').NatGatewayView} NatGatewayView */
/** @typedef {import('../topology-types.ts').NatRuleView} NatRuleView */

/**
 * @param {HTMLElement} container the #inventory element
 * @param {Topology} topology
 * @param {(podId: string) => void} onPod called when a pod item is clicked
 */
export function renderInventory(container, topology, onPod) {
  const sections = topology.vpcs.map((vpc) => vpcSection(vpc, onPod));
  if (topology.externals.length > 0) {
    const items = topology.externals.map((external) =>
      h(
        'li',
        { class: 'external', 'data-id': external.id },
        h('span', { class: 'name' }, external.name),
        ' ',
        h('span', { class: 'ip' }, external.cidr),
      ),
    );
    sections.push(
      h('section', { class: 'externals' }, h('h2', {}, 'External networks'), h('ul', {}, ...items)),
    );
  }
  if (sections.length === 0) sections.push(h('p', { class: 'muted' }, 'No VPCs yet.'));
  container.replaceChildren(...sections);
}

/**
 * @param {VpcView} vpc
 * @param {(podId: string) => void} onPod
 */
function vpcSection(vpc, onPod) {
  const namespaces = vpc.namespaces.length > 0 ? vpc.namespaces.join(', ') : 'all namespaces';
  const section = h(
    'section',
    { class: vpc.isDefault ? 'vpc default' : 'vpc', 'data-id': vpc.id },
    h('h2', {}, vpc.name, vpc.isDefault ? h('span', { class: 'badge' }, 'default') : null),
    h('p', { class: 'meta', 'data-id': vpc.routerId }, `router ${vpc.routerId} · ${namespaces}`),
    ...vpc.subnets.map((subnet) => subnetBlock(subnet, onPod)),
  );
  if (vpc.natGateways.length > 0) section.append(...vpc.natGateways.map(natGatewayBlock));
  if (vpc.dns.length > 0) {
    const items = vpc.dns.map((dns) =>
      h(
        'li',
        { class: 'dns', 'data-id': dns.id },
        `VpcDns ${dns.name} on ${dns.subnet} · `,
        state(dns.active, 'active', 'inactive'),
      ),
    );
    section.append(h('ul', { class: 'dns-list' }, ...items));
  }
  const routes = [
    ...vpc.staticRoutes.map((route) =>
      h(
        'li',
        { class: 'route static', 'data-field': route.field, 'data-target': route.target },
        h('span', { class: 'field' }, route.field),
        ` ${route.cidr} via ${route.nextHopIP}`,
        route.policy === 'policySrc' ? ' (by source)' : '',
        route.routeTable ? ` table ${route.routeTable}` : '',
        route.target === undefined
          ? h('span', { class: 'warn' }, ' · next hop unknown')
          : ` → ${route.target}`,
      ),
    ),
    ...vpc.policyRoutes.map((route) =>
      h(
        'li',
        { class: 'route policy', 'data-field': route.field },
        h('span', { class: 'field' }, route.field),
        ` priority ${route.priority}: ${route.match} ${route.action}`,
        route.nextHopIPs.length > 0 ? ` ${route.nextHopIPs.join(', ')}` : '',
        route.targets.length > 0 ? ` → ${route.targets.join(', ')}` : '',
      ),
    ),
  ];
  if (routes.length > 0) section.append(h('h3', {}, 'Routes'), h('ul', { class: 'routes' }, ...routes));
  if (vpc.peerings.length > 0) {
    const items = vpc.peerings.map((peering) =>
      h(
        'li',
        { class: 'peering', 'data-remote': peering.remote },
        `peered with ${peering.remote} via ${peering.localConnectIP}`,
      ),
    );
    section.append(h('ul', { class: 'peerings' }, ...items));
  }
  return section;
}

/**
 * @param {SubnetView} subnet
 * @param {(podId: string) => void} onPod
 */
function subnetBlock(subnet, onPod) {
  return h(
    'div',
    { class: subnet.private ? 'subnet private' : 'subnet', 'data-id': subnet.id },
    h(
      'h3',
      {},
      h('span', { class: 'name' }, subnet.name),
      ' ',
      h('span', { class: 'cidr' }, subnet.cidr),
      subnet.private ? h('span', { class: 'badge' }, 'private') : null,
    ),
    h(
      'p',
      { class: 'meta' },
      `gateway ${subnet.gateway} · `,
      h('span', { class: 'used' }, `${subnet.used} used`),
      ' / ',
      h('span', { class: 'available' }, `${subnet.available} available`),
    ),
    subnet.pods.length > 0
      ? h('ul', { class: 'pods' }, ...subnet.pods.map((pod) => podItem(pod, onPod)))
      : null,
  );
}

/**
 * @param {PodView} pod
 * @param {(podId: string) => void} onPod
 */
function podItem(pod, onPod) {
  const item = h(
    'li',
    {
      class: pod.ready ? 'pod' : 'pod not-ready',
      'data-id': pod.id,
      tabindex: 0,
      title: 'click to trace from/to this pod',
    },
    h('span', { class: 'name' }, `${pod.namespace}/${pod.name}`),
    ' ',
    h('span', { class: 'ip' }, pod.ips.join(', ')),
    ' ',
    h('span', { class: 'node' }, pod.node),
    ' ',
    state(pod.ready, 'Ready', 'not Ready'),
  );
  item.addEventListener('click', () => onPod(pod.id));
  item.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') onPod(pod.id);
  });
  return item;
}

/** @param {NatGatewayView} gateway */
function natGatewayBlock(gateway) {
  const eips = gateway.eips.map((eip) =>
    h(
      'div',
      { class: 'eip', 'data-id': eip.id },
      h(
        'p',
        {},
        `EIP ${eip.name} `,
        h('span', { class: 'ip' }, eip.ip),
        ` on ${eip.external} · `,
        state(eip.ready, 'ready', 'not ready'),
      ),
      h(
        'ul',
        { class: 'rules' },
        ...eip.dnat.map((rule) => ruleItem('DNAT', rule)),
        ...eip.snat.map((rule) => ruleItem('SNAT', rule)),
        ...eip.fip.map((rule) => ruleItem('FIP', rule)),
      ),
    ),
  );
  return h(
    'div',
    { class: 'natgw', 'data-id': gateway.id },
    h('h3', {}, `NAT gateway ${gateway.name} `, state(gateway.ready, 'ready', 'not ready')),
    h(
      'p',
      { class: 'meta' },
      `LAN ${gateway.lanIp} on ${gateway.subnet} · uplinks ${gateway.externals.join(', ') || 'none'}`,
    ),
    ...eips,
  );
}

/**
 * @param {string} kind
 * @param {NatRuleView} rule
 */
function ruleItem(kind, rule) {
  return h(
    'li',
    { class: rule.ready ? 'rule' : 'rule not-ready', 'data-id': rule.id, 'data-target': rule.target },
    h('span', { class: 'kind' }, kind),
    ` ${rule.name}: ${rule.text}`,
    rule.ready ? '' : h('span', { class: 'warn' }, ' · not ready'),
  );
}

/**
 * @param {boolean} ok
 * @param {string} yes
 * @param {string} no
 */
function state(ok, yes, no) {
  return h('span', { class: ok ? 'state ok' : 'state bad' }, ok ? yes : no);
}
