// @ts-check
// Flags (drift and misconfiguration): which drawn element each one marks (a NAT rule, not drawn itself, marks its
// EIP), the `flag-warning`/`flag-error` classes those elements get on the graph and in the inventory, and the
// #flags panel listing every flag.

import { byDataId, h } from './dom.js';

/** @typedef {import('../topology-types.ts').Topology} Topology */
/** @typedef {import('../topology-types.ts').Flag} Flag */
/** @typedef {'flag-warning' | 'flag-error'} FlagClass */

/**
 * The element each id not drawn on its own belongs to (rule -> EIP).
 * @param {Topology} topology
 * @returns {Map<string, string>}
 */
function owners(topology) {
  /** @type {Map<string, string>} */
  const owner = new Map();
  for (const vpc of topology.vpcs) {
    for (const gateway of vpc.natGateways) {
      for (const eip of gateway.eips) {
        for (const rule of [...eip.dnat, ...eip.snat, ...eip.fip]) owner.set(rule.id, eip.id);
      }
    }
  }
  return owner;
}

/**
 * Element id -> the class of its worst flag.
 * @param {Topology} topology
 * @returns {Map<string, FlagClass>}
 */
export function flagClasses(topology) {
  const owner = owners(topology);
  /** @type {Map<string, FlagClass>} */
  const classes = new Map();
  for (const flag of topology.flags) {
    const worst = flag.severity === 'error' ? 'flag-error' : 'flag-warning';
    for (const id of new Set([flag.target, owner.get(flag.target) ?? flag.target])) {
      if (classes.get(id) !== 'flag-error') classes.set(id, worst);
    }
  }
  return classes;
}

/**
 * Fill the #flags list, and mark the inventory items flags point at.
 * @param {HTMLElement} panel the #flags element
 * @param {HTMLElement} inventory the #inventory element
 * @param {Topology} topology
 * @param {(target: string) => void} onPick called with a flag's target when one is clicked
 */
export function renderFlags(panel, inventory, topology, onPick) {
  const flags = [...topology.flags].sort(
    (a, b) => severityRank(a) - severityRank(b) || a.target.localeCompare(b.target),
  );
  const list = h('ul', { class: 'flag-list' });
  for (const flag of flags) {
    const item = h(
      'li',
      {
        class: `flag ${flag.severity}`,
        'data-target': flag.target,
        'data-code': flag.code,
        title: flag.code,
      },
      h('span', { class: 'flag-severity' }, flag.severity),
      ' ',
      flag.message,
      ' ',
      h('span', { class: 'flag-target' }, flag.target),
    );
    item.addEventListener('click', () => onPick(flag.target));
    list.append(item);
  }
  const count = h('span', { class: 'count' }, String(flags.length));
  panel.replaceChildren(
    h('h2', {}, 'Flags ', count),
    flags.length > 0 ? list : h('p', { class: 'muted' }, 'No flags.'),
  );
  for (const [id, name] of flagClasses(topology)) {
    for (const element of byDataId(inventory, id)) element.classList.add(name);
  }
}

/** @param {Flag} flag */
function severityRank(flag) {
  return flag.severity === 'error' ? 0 : 1;
}
