// @ts-check
// Tracing from the page: choosing the source pod (a click on a pod in the graph or the inventory), the destination
// (a second pod, or an address typed in #trace-dest), asking the server (`POST /api/trace`, the `kovn trace` engine),
// and showing the answer: verdict, per-router decisions and lines in #trace, the path highlighted on the graph.

import { byDataId, h } from './dom.js';

/** @typedef {import('../topology-types.ts').TraceRequest} TraceRequest */
/** @typedef {import('../topology-types.ts').TraceResult} TraceResult */
/** @typedef {import('cytoscape').Core} Core */

/**
 * @typedef {object} TracerParts
 * @property {Core} cy
 * @property {HTMLElement} output #trace: the result, or the error
 * @property {HTMLElement} hint the line saying what a click does next
 * @property {HTMLElement} inventory #inventory, whose pod items show the selection
 * @property {HTMLInputElement} dest #trace-dest
 * @property {HTMLSelectElement} protocol #trace-protocol: icmp, tcp or udp
 * @property {HTMLInputElement} port #trace-port
 * @property {HTMLButtonElement} run #trace-run
 */

/**
 * `pod/NS/NAME` -> `NS/NAME` (what the trace API names pods by); anything else (an address, `NS/NAME`) as given.
 * @param {string} ref
 */
export function traceRef(ref) {
  return ref.startsWith('pod/') ? ref.slice('pod/'.length) : ref;
}

/** @param {TracerParts} parts */
export function createTracer(parts) {
  const { cy, output, hint } = parts;
  /** @type {string | undefined} */
  let source;
  /** Whether the last click finished a trace (the next pod click then starts a new selection). */
  let finished = false;

  function showSelection() {
    cy.nodes('.trace-source').removeClass('trace-source');
    for (const item of parts.inventory.querySelectorAll('.pod.selected')) item.classList.remove('selected');
    if (source === undefined) {
      hint.textContent = 'Click a pod to trace from it.';
      return;
    }
    cy.getElementById(source).addClass('trace-source');
    for (const item of byDataId(parts.inventory, source)) item.classList.add('selected');
    hint.replaceChildren(
      'From ',
      h('strong', {}, traceRef(source)),
      ': click another pod, or type an address.',
    );
  }

  /** @param {TraceRequest} request */
  async function request(request) {
    document.body.dataset.traceState = 'running';
    output.replaceChildren(h('p', { class: 'muted' }, `Tracing ${request.source} → ${request.dest}…`));
    try {
      const result = await postTrace(request);
      drawPath(cy, result);
      output.replaceChildren(...resultView(request, result));
      finished = true;
      document.body.dataset.traceState = 'done';
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      output.replaceChildren(h('p', { class: 'error' }, `Trace failed: ${message}`));
      document.body.dataset.traceState = 'error';
      throw error;
    }
  }

  /**
   * Trace from `from` (a pod id or `NS/NAME`) to `to` (a pod id, `NS/NAME` or an address), and draw it.
   * @param {string} from
   * @param {string} to
   * @param {{ tcp?: number, udp?: number }} [ports]
   */
  function trace(from, to, ports = {}) {
    source = from.startsWith('pod/') ? from : `pod/${from}`;
    showSelection();
    return request({ source: traceRef(from), dest: traceRef(to), ...ports });
  }

  /** A click on a pod: choose it as the source, unchoose it, or trace to it. */
  /** @param {string} podId */
  function onPod(podId) {
    if (source === undefined || finished) {
      source = podId;
      finished = false;
      clearPath(cy);
      showSelection();
    } else if (podId === source) {
      source = undefined;
      showSelection();
    } else {
      trace(source, podId).catch(() => undefined);
    }
  }

  function onRun() {
    const dest = parts.dest.value.trim();
    if (source === undefined)
      output.replaceChildren(h('p', { class: 'error' }, 'Choose a source pod first.'));
    else if (dest === '')
      output.replaceChildren(h('p', { class: 'error' }, 'Type a destination: NS/POD or an IP address.'));
    else trace(source, dest, portsOf(parts.protocol.value, parts.port.value)).catch(() => undefined);
  }

  parts.run.addEventListener('click', onRun);
  parts.dest.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') onRun();
  });
  showSelection();

  return {
    onPod,
    trace,
    /** After a topology render: show the selection again on the rebuilt inventory (and forget a pod that left). */
    refresh() {
      if (source !== undefined && cy.getElementById(source).empty()) source = undefined;
      showSelection();
    },
  };
}

/**
 * Ask the server to trace; its answer, or an Error with its `{ error }` text (or the HTTP status).
 * @param {TraceRequest} request
 * @returns {Promise<TraceResult>}
 */
async function postTrace(request) {
  const response = await fetch('/api/trace', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  /** @type {unknown} */
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(errorText(body) ?? `HTTP ${response.status} ${response.statusText}`);
  return /** @type {TraceResult} */ (body);
}

/** @param {Core} cy */
function clearPath(cy) {
  cy.elements('.traced').removeClass('traced');
  cy.nodes('.decided').removeClass('decided').removeData('decision');
}

/**
 * Highlight the hops and the edges between consecutive hops, and label each router with what decided there.
 * @param {Core} cy
 * @param {TraceResult} result
 */
function drawPath(cy, result) {
  clearPath(cy);
  const hops = result.hops.map((id) => cy.getElementById(id)).filter((element) => element.nonempty());
  hops.forEach((hop, index) => {
    hop.addClass('traced');
    const next = hops[index + 1];
    if (next !== undefined && hop.isNode() && next.isNode()) hop.edgesWith(next).addClass('traced');
  });
  for (const decision of result.decisions) {
    const router = cy.getElementById(decision.target);
    if (router.empty()) continue;
    router.data('decision', ['router', ...decision.lines].join('\n')).addClass('decided');
  }
}

/**
 * #trace's content for an answer: the request, the verdict, the decisions per router, all of `kovn trace`'s lines.
 * @param {TraceRequest} request
 * @param {TraceResult} result
 */
function resultView(request, result) {
  const decisions = result.decisions.map((decision) =>
    h(
      'div',
      { class: 'decision', 'data-target': decision.target },
      h('h4', {}, decision.target.replace(/^router\//, 'router ')),
      h('ul', {}, ...decision.lines.map((line) => h('li', {}, line))),
    ),
  );
  return [
    h('p', { class: 'trace-request' }, `${request.source} → ${request.dest}${protocolText(request)}`),
    h(
      'p',
      { class: `verdict ${result.verdict.kind}` },
      h('strong', {}, result.verdict.kind),
      ' ',
      result.verdict.text,
    ),
    ...(decisions.length > 0 ? [h('h3', {}, 'Decisions'), ...decisions] : []),
    h(
      'details',
      { class: 'trace-lines', open: true },
      h('summary', {}, 'kovn trace output'),
      h('pre', {}, result.lines.join('\n')),
    ),
  ];
}

/**
 * @param {string} protocol
 * @param {string} port
 * @returns {{ tcp?: number, udp?: number }}
 */
function portsOf(protocol, port) {
  const number = Number.parseInt(port, 10);
  if (!Number.isInteger(number) || number <= 0) return {};
  if (protocol === 'tcp') return { tcp: number };
  if (protocol === 'udp') return { udp: number };
  return {};
}

/** @param {TraceRequest} request */
function protocolText(request) {
  if (request.tcp !== undefined) return ` tcp/${request.tcp}`;
  if (request.udp !== undefined) return ` udp/${request.udp}`;
  return ' icmp';
}

/**
 * The `error` field of an API error body, if it has one.
 * @param {unknown} body
 */
function errorText(body) {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string')
    return body.error;
  return undefined;
}
