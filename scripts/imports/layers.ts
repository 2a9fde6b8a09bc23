// The layer table: which top-level folder of src/ may import which. Written from the import graph as it stood after
// issue 15, lowest layer first; docs/architecture.md shows the same table. An import between two folders that is
// not listed here fails `npm test` (scripts/check-imports.ts): adding one is a design decision, made here.

export const layers = {
  // The ground floor: no imports from other folders.
  util: [],
  net: [],
  // Vocabularies and protocols.
  api: ['net'],
  ipam: ['net'],
  ovsdb: ['util'],
  ovn: ['util'],
  // The Kubernetes runtime, and the manifest reader.
  kube: ['api', 'util'],
  manifest: ['api'],
  // The programs. The API server, the controller and the two agents (node, natgw) never import each other; the lab,
  // which runs the agents inside its own processes, imports them.
  apiserver: ['api', 'kube', 'net', 'util'],
  controller: ['api', 'ipam', 'kube', 'net', 'ovsdb', 'util'],
  node: ['api', 'kube', 'net', 'ovn', 'ovsdb', 'util'],
  natgw: ['api', 'kube', 'net', 'util'],
  lab: ['api', 'install', 'kube', 'natgw', 'net', 'node', 'ovn', 'ovsdb', 'util'],
  // What `kovn install` renders for a cluster (documents only).
  install: ['api'],
  // The topology page's server: read-only watches and NB rows (traces are handed in by the command line).
  ui: ['api', 'kube', 'net', 'ovsdb', 'util'],
  // The command line starts every program.
  cli: ['api', 'apiserver', 'controller', 'install', 'kube', 'lab', 'manifest', 'net', 'ui', 'util'],
} as const satisfies Record<string, readonly string[]>;

/** The only folders that may import src/controller: the controller is a program, not a library. */
export const controllerImporters: readonly string[] = ['cli'];
