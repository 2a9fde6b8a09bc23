// @ts-check
// The page's entry point: builds the graph and panels, takes the topology from `GET /api/topology` (so a page that
// never gets an event, e.g. `chromium --dump-dom`, still renders) and from each `topology` event of
// `GET /api/events`, renders it in place, shows the connection state, and exposes `window.kovnUi` for tests.

import { byId, h } from './dom.js';
import { flagClasses, renderFlags } from './flags.js';
import { topologyElements } from './graph-elements.js';
import { createGraph, layoutGraph, syncGraph } from './graph.js';
import { renderInventory } from './inventory.js';
import { createTracer } from './trace.js';

/** @typedef {import('../topology-types.ts').Topology} Topology */

const RECONNECT_MS = 3000;

const inventory = byId('inventory', HTMLElement);
const flagsPanel = byId('flags', HTMLElement);
const summary = byId('summary', HTMLElement);
const conn = byId('conn', HTMLElement);
const cy = createGraph(byId('graph', HTMLElement));
const tracer = createTracer({
  cy,
  inventory,
  output: byId('trace', HTMLElement),
  hint: byId('trace-hint', HTMLElement),
  dest: byId('trace-dest', HTMLInputElement),
  protocol: byId('trace-protocol', HTMLSelectElement),
  port: byId('trace-port', HTMLInputElement),
  run: byId('trace-run', HTMLButtonElement),
});

/** @type {Topology | undefined} */
let topology;
let renders = 0;
let lastRenderMs = 0;
let laidOut = false;
/** The newest topology received and not yet drawn. */
/** @type {Topology | undefined} */
let pending;

window.kovnUi = {
  cy,
  get topology() {
    return topology;
  },
  get renders() {
    return renders;
  },
  get lastRenderMs() {
    return lastRenderMs;
  },
  trace: (source, dest) => tracer.trace(source, dest),
};

/**
 * Draw `next` soon: topologies that arrive while one is being drawn (a burst of events during a layout) collapse into
 * the newest. One older than what is shown or waiting (a slow first fetch arriving after an event) is dropped.
 * @param {Topology} next
 */
function schedule(next) {
  const newest = pending ?? topology;
  if (newest !== undefined && next.builtAt < newest.builtAt) return;
  const idle = pending === undefined;
  pending = next;
  if (idle) setTimeout(drawPending, 0);
}

function drawPending() {
  const next = pending;
  pending = undefined;
  if (next !== undefined) render(next);
}

/**
 * Draw `next` in place of what is shown: the graph updated in place (laid out again only when elements came or
 * went), the inventory, flags and summary rebuilt.
 * @param {Topology} next
 */
function render(next) {
  const start = performance.now();
  const flagged = flagClasses(next);
  const defs = topologyElements(next).map((def) => {
    const flag = flagged.get(def.data.id);
    return flag === undefined ? def : { ...def, classes: [...def.classes, flag] };
  });
  const { added, removed } = syncGraph(cy, defs);
  if (!laidOut || added.size > 0 || removed > 0) {
    layoutGraph(cy, laidOut ? added : undefined);
    laidOut = cy.nodes().nonempty();
  }
  renderInventory(inventory, next, tracer.onPod);
  renderFlags(flagsPanel, inventory, next, focus);
  tracer.refresh();
  showSummary(next);
  topology = next;
  renders += 1;
  lastRenderMs = performance.now() - start;
  document.body.dataset.renders = String(renders);
}

/** @param {Topology} shown */
function showSummary(shown) {
  const subnets = shown.vpcs.flatMap((vpc) => vpc.subnets);
  const pods = subnets.reduce((sum, subnet) => sum + subnet.pods.length, 0);
  const built = new Date(shown.builtAt).toLocaleTimeString();
  summary.replaceChildren(
    `${shown.vpcs.length} VPCs · ${subnets.length} subnets · ${pods} pods · built ${built} · NB ${shown.nb}`,
  );
  byId('trace-run', HTMLButtonElement).disabled = !shown.trace;
  byId('trace-unavailable', HTMLElement).hidden = shown.trace;
}

/**
 * Centre the graph on an element (a flag's target) and show it in the inventory.
 * @param {string} id
 */
function focus(id) {
  const element = cy.getElementById(id);
  if (element.nonempty()) {
    cy.nodes('.focused').removeClass('focused');
    element.addClass('focused');
    cy.animate({ center: { eles: element }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
  }
  const item = inventory.querySelector(`[data-id="${CSS.escape(id)}"]`);
  item?.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

/** @param {'connecting' | 'live' | 'reconnecting' | 'snapshot'} state */
function setConnection(state) {
  conn.textContent = state;
  conn.className = `conn ${state}`;
}

/** @param {unknown} error */
function showError(error) {
  const message = error instanceof Error ? error.message : String(error);
  conn.title = message;
  console.error('kovn ui:', message);
}

/** Follow `GET /api/events`; EventSource retries by itself, a connection it gives up on is reopened here. */
function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => setConnection('live'));
  events.addEventListener('topology', (event) => {
    try {
      schedule(asTopology(JSON.parse(/** @type {MessageEvent<string>} */ (event).data)));
    } catch (error) {
      showError(error);
    }
  });
  events.addEventListener('error', () => {
    setConnection('reconnecting');
    if (events.readyState === EventSource.CLOSED) setTimeout(connect, RECONNECT_MS);
  });
}

/**
 * The server's JSON as a Topology (checked only as far as drawing needs: a builtAt and the lists).
 * @param {unknown} value
 * @returns {Topology}
 */
function asTopology(value) {
  const shaped =
    typeof value === 'object' &&
    value !== null &&
    'builtAt' in value &&
    typeof value.builtAt === 'number' &&
    ['vpcs', 'externals', 'flags'].every((key) =>
      Array.isArray(/** @type {Record<string, unknown>} */ (value)[key]),
    );
  if (!shaped) throw new Error('the server sent something that is not a topology');
  return /** @type {Topology} */ (value);
}

async function loadFirst() {
  const response = await fetch('/api/topology');
  if (!response.ok) throw new Error(`GET /api/topology: HTTP ${response.status}`);
  schedule(asTopology(await response.json()));
}

byId('fit', HTMLButtonElement).addEventListener('click', () => cy.fit(undefined, 30));
cy.on('tap', 'node.pod', (/** @type {import('cytoscape').EventObjectNode} */ event) =>
  tracer.onPod(event.target.id()),
);
/**
 * Headless Chromium that no driver controls (`chromium --headless --dump-dom URL`) takes one snapshot: an open event
 * stream is a fetch that never ends, and its virtual time would never run out, so the page stays on the first fetch.
 * Driven browsers (playwright, puppeteer) set navigator.webdriver and go live like any other.
 */
const snapshotOnly = navigator.userAgent.includes('HeadlessChrome') && !navigator.webdriver;

setConnection('connecting');
loadFirst().catch((error) => {
  showError(error);
  inventory.replaceChildren(h('p', { class: 'error' }, `Could not load the topology: ${String(error)}`));
});
if (snapshotOnly) setConnection('snapshot');
else connect();
