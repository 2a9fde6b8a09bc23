// @ts-check
// The graph's look: the cytoscape stylesheet for each kind of node and edge (classes set by graph-elements.js), the
// flag borders (flags.js) and the trace highlight (trace.js). Colours match style.css's legend.

/** @type {import('cytoscape').StylesheetJson} */
export const graphStyle = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-family': 'system-ui, sans-serif',
      'font-size': 11,
      color: '#1f2933',
      'text-wrap': 'wrap',
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'min-zoomed-font-size': 6,
      'border-width': 1,
      'border-color': '#ffffff',
    },
  },
  {
    selector: ':parent',
    style: {
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      shape: 'round-rectangle',
      'padding-top': '14px',
      'padding-bottom': '14px',
      'padding-left': '14px',
      'padding-right': '14px',
    },
  },
  {
    selector: 'node.vpc',
    style: {
      'background-color': '#f3f6fb',
      'border-color': '#7b93bd',
      'border-width': 2,
      'font-size': 16,
      'font-weight': 'bold',
      color: '#23395d',
    },
  },
  { selector: 'node.vpc.default', style: { 'background-color': '#f6f6f1', 'border-color': '#a29f86' } },
  {
    selector: 'node.subnet',
    style: {
      'background-color': '#e3eefc',
      'border-color': '#5b8bd6',
      'border-width': 1.5,
      'font-size': 12,
      color: '#1d4ed8',
    },
  },
  { selector: 'node.subnet:childless', style: { shape: 'round-rectangle', width: 90, height: 30 } },
  { selector: 'node.subnet.private', style: { 'border-style': 'dashed' } },
  { selector: 'node.pod', style: { shape: 'ellipse', width: 22, height: 22, 'background-color': '#2f6fdb' } },
  {
    selector: 'node.pod.not-ready',
    style: {
      'background-color': '#ffffff',
      'border-color': '#8a94a6',
      'border-width': 2,
      'border-style': 'dashed',
    },
  },
  {
    selector: 'node.router',
    style: { shape: 'round-diamond', width: 36, height: 36, 'background-color': '#0f9d77' },
  },
  {
    selector: 'node.natgw',
    style: { shape: 'round-hexagon', width: 34, height: 30, 'background-color': '#e8730c' },
  },
  {
    selector: 'node.eip',
    style: { shape: 'round-tag', width: 16, height: 16, 'background-color': '#f2a516' },
  },
  {
    selector: 'node.dns',
    style: { shape: 'round-triangle', width: 24, height: 22, 'background-color': '#8b4fc4' },
  },
  {
    selector: 'node.external',
    style: {
      shape: 'round-rectangle',
      width: 54,
      height: 26,
      'background-color': '#5d6b7e',
      'font-size': 11,
      'font-weight': 'bold',
      color: '#334155',
    },
  },
  { selector: 'node.not-ready, node.inactive', style: { opacity: 0.75 } },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'line-color': '#9aa5b4',
      'curve-style': 'bezier',
      label: 'data(label)',
      'font-size': 9,
      color: '#3e4c59',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 6,
    },
  },
  { selector: 'edge.attach', style: { 'line-color': '#5b8bd6', width: 2 } },
  { selector: 'edge.lan', style: { 'line-color': '#e8730c' } },
  { selector: 'edge.eip-link', style: { 'line-color': '#f2a516', width: 2 } },
  { selector: 'edge.uplink', style: { 'line-color': '#5d6b7e', width: 2 } },
  { selector: 'edge.dns', style: { 'line-style': 'dotted', 'line-color': '#8b4fc4' } },
  {
    selector: 'edge.route',
    style: {
      'line-style': 'dashed',
      'line-color': '#c2410c',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#c2410c',
      color: '#c2410c',
    },
  },
  {
    selector: 'edge.policy',
    style: {
      'line-style': 'dashed',
      'line-color': '#7e3fb8',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#7e3fb8',
      color: '#7e3fb8',
    },
  },
  { selector: 'edge.peering', style: { 'line-color': '#0f9d77', width: 3, color: '#0b6e53' } },
  {
    selector: 'node.flag-warning',
    style: {
      'border-color': '#e0a800',
      'border-width': 3,
      'outline-width': 3,
      'outline-color': '#f5c518',
      'outline-offset': 2,
    },
  },
  {
    selector: 'node.flag-error',
    style: {
      'border-color': '#d62828',
      'border-width': 3,
      'outline-width': 3,
      'outline-color': '#ef4444',
      'outline-offset': 2,
    },
  },
  { selector: 'edge.flag-warning', style: { 'line-color': '#e0a800' } },
  { selector: 'edge.flag-error', style: { 'line-color': '#d62828' } },
  {
    selector: 'node.focused',
    style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.18, 'overlay-padding': 8 },
  },
  {
    selector: 'node.trace-source',
    style: { 'underlay-color': '#2563eb', 'underlay-opacity': 0.35, 'underlay-padding': 7 },
  },
  {
    selector: 'node.traced',
    style: { 'underlay-color': '#e11d74', 'underlay-opacity': 0.3, 'underlay-padding': 6 },
  },
  { selector: ':parent.traced', style: { 'underlay-padding': 3, 'underlay-opacity': 0.15 } },
  {
    selector: 'edge.traced',
    style: {
      'line-color': '#e11d74',
      'target-arrow-color': '#e11d74',
      width: 4,
      'line-style': 'solid',
      'z-index': 10,
    },
  },
  {
    selector: 'node.decided',
    style: {
      label: 'data(decision)',
      'font-size': 9,
      color: '#9d174d',
      'text-background-color': '#fff1f6',
      'text-background-opacity': 0.95,
      'text-background-padding': '3px',
      'text-border-color': '#e11d74',
      'text-border-width': 1,
      'text-border-opacity': 1,
      'text-max-width': '260px',
      'z-index': 20,
    },
  },
];
