// @ts-check
// The cytoscape instance: creating it, bringing it in line with a new set of element definitions in place (add,
// remove, update by id, never rebuilt), placing new nodes beside their parent so the layout starts near where they
// belong, and running fcose only when elements came or went.

import { graphStyle } from './graph-style.js';

/** @typedef {import('cytoscape').Core} Core */
/** @typedef {import('cytoscape').ElementDefinition} ElementDefinition */
/** @typedef {import('./graph-elements.js').ElementDef} ElementDef */

/** Classes other modules put on drawn elements; a topology update keeps them. */
const KEPT_CLASSES = ['traced', 'trace-source', 'decided', 'focused'];

/**
 * @param {HTMLElement} container
 * @returns {Core}
 */
export function createGraph(container) {
  cytoscape.use(cytoscapeFcose);
  const cy = cytoscape({
    container,
    style: graphStyle,
    minZoom: 0.05,
    maxZoom: 4,
    // Clicks choose trace endpoints; cytoscape's own selection (and its restyling) is not used.
    autounselectify: true,
    textureOnViewport: false,
    hideEdgesOnViewport: false,
  });
  cy.on('mouseover', 'node, edge', (/** @type {import('cytoscape').EventObjectNode} */ event) => {
    container.title = String(event.target.data('tip') ?? '');
  });
  cy.on('mouseout', 'node, edge', () => {
    container.title = '';
  });
  return cy;
}

/**
 * Make the graph hold exactly `defs`: elements with a known id are updated (data, classes, parent, ends), unknown ones
 * added, the rest removed. Returns the ids added and how many were removed.
 * @param {Core} cy
 * @param {ElementDef[]} defs
 * @returns {{ added: Set<string>, removed: number }}
 */
export function syncGraph(cy, defs) {
  const wanted = new Set(defs.map((def) => def.data.id));
  /** @type {ElementDef[]} */
  const fresh = [];
  let removed = 0;
  cy.batch(() => {
    for (const def of defs) {
      const existing = cy.getElementById(def.data.id);
      if (existing.empty()) fresh.push(def);
      else updateElement(existing, def);
    }
    const gone = cy.elements().filter((element) => !wanted.has(element.id()));
    removed = gone.length;
    gone.remove();
    if (fresh.length > 0) cy.add(placeNew(cy, fresh));
  });
  return { added: new Set(fresh.map((def) => def.data.id)), removed };
}

/**
 * @param {import('cytoscape').CollectionReturnValue} element
 * @param {ElementDef} def
 */
function updateElement(element, def) {
  if (def.group === 'nodes') {
    const parent = def.data.parent ?? null;
    if (parent !== (element.data('parent') ?? null)) element.move({ parent });
  } else if (element.data('source') !== def.data.source || element.data('target') !== def.data.target) {
    element.move({ source: def.data.source, target: def.data.target });
  }
  const { label, kind, tip } = def.data;
  if (element.data('label') !== label || element.data('tip') !== tip) element.data({ label, kind, tip });
  const kept = KEPT_CLASSES.filter((name) => element.hasClass(name));
  const classes = [...def.classes, ...kept];
  if (classes.join(' ') !== [...element.classes()].join(' ')) element.classes(classes);
}

/**
 * Definitions for new elements, nodes given a starting position: beside their parent or a sibling already drawn,
 * else (a new VPC or external network) to the right of the current drawing.
 * @param {Core} cy
 * @param {ElementDef[]} fresh
 * @returns {ElementDefinition[]}
 */
function placeNew(cy, fresh) {
  const box = cy.elements().boundingBox();
  const empty = cy.elements().empty();
  /** @type {Map<string, { x: number, y: number }>} */
  const placed = new Map();
  /** @type {Map<string, number>} */
  const childCount = new Map();
  let newTopLevel = 0;
  return fresh.map((def) => {
    if (def.group === 'edges') return { group: 'edges', data: { ...def.data }, classes: def.classes };
    const parent = def.data.parent;
    let position;
    if (parent === undefined) {
      position = empty ? { x: 0, y: 0 } : { x: box.x2 + 250, y: box.y1 + newTopLevel * 250 };
      newTopLevel += 1;
    } else {
      const index = childCount.get(parent) ?? cy.getElementById(parent).children().length;
      childCount.set(parent, index + 1);
      const anchor = placed.get(parent) ?? centre(cy, parent) ?? { x: box.x2 + 250, y: box.y1 };
      position = { x: anchor.x + (index % 6) * 45, y: anchor.y + Math.floor(index / 6) * 45 };
    }
    placed.set(def.data.id, position);
    /** @type {ElementDefinition} */
    const definition = { group: 'nodes', data: { ...def.data }, classes: def.classes, position };
    return definition;
  });
}

/**
 * @param {Core} cy
 * @param {string} id
 * @returns {{ x: number, y: number } | undefined}
 */
function centre(cy, id) {
  const element = cy.getElementById(id);
  if (element.empty()) return undefined;
  const box = element.boundingBox();
  return { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
}

/**
 * Lay the graph out with fcose (synchronous, no animation). The first time (`fresh` undefined) from random positions,
 * packing the components and fitting the view; after that every node drawn before stays where it is (a fixed-node
 * constraint) and only the new ones (`fresh`, started beside their parent) find their place.
 * @param {Core} cy
 * @param {Set<string>} [fresh]
 */
export function layoutGraph(cy, fresh) {
  const first = fresh === undefined;
  const leaves = cy.nodes(':childless');
  const free = first ? leaves : leaves.filter((node) => fresh.has(node.id()));
  if (free.empty()) return;
  const fixedNodeConstraint = first
    ? undefined
    : leaves
        .filter((node) => !fresh.has(node.id()))
        .nodes()
        .map((node) => ({ nodeId: node.id(), position: { ...node.position() } }));
  // fcose's own options (cytoscape's types know only the built-in layouts; extra fields pass as BaseLayoutOptions).
  const options = {
    name: 'fcose',
    quality: 'default',
    randomize: first,
    animate: false,
    fit: first,
    padding: 30,
    nodeDimensionsIncludeLabels: true,
    packComponents: first,
    fixedNodeConstraint,
    // Tiling re-arranges the unconnected nodes of a compound (the pods of a subnet): the first time only.
    tile: first,
    tilingPaddingVertical: 14,
    tilingPaddingHorizontal: 14,
    nodeRepulsion: 6000,
    idealEdgeLength: 90,
    // Weak springs to the external networks: every NAT gateway's uplink meets at one node, and full-strength springs
    // would drag each VPC's box across its neighbours towards it.
    edgeElasticity: (/** @type {import('cytoscape').EdgeSingular} */ edge) =>
      edge.hasClass('uplink') ? 0.05 : 0.45,
    nestingFactor: 0.1,
    gravity: 0.3,
    gravityCompound: 1.2,
    numIter: 2500,
  };
  cy.layout(options).run();
  // fcose pins the centre of node-plus-label, a few pixels off the node's own: put the pinned ones back exactly.
  for (const { nodeId, position } of fixedNodeConstraint ?? []) cy.getElementById(nodeId).position(position);
  // Something new out of view (a new VPC is placed beside the drawing): show the whole graph again.
  const view = cy.extent();
  const box = free.boundingBox();
  if (!first && (box.x1 < view.x1 || box.x2 > view.x2 || box.y1 < view.y1 || box.y2 > view.y2))
    cy.fit(undefined, 30);
}
