/**
 * Where a lab keeps things and what it calls them. One lab = one home directory (default `<project>/.kovn`,
 * `KOVN_HOME` overrides) and one short lab id that prefixes every network namespace it creates, so two labs (tests
 * run several) never share a name and `kovn down` can find all of its own. Pure: no I/O here.
 *
 * Namespaces: `<id>-ul` (underlay bridge), `<id>-n-<node>` (a node's host network), `<id>-p-<ns>.<pod>` (a pod; a
 * Kubernetes namespace has no '.', so the split is unambiguous), `<id>-x-<subnet>` (upstream of an external subnet).
 * Interface names are local to the namespace they live in; the only ones derived from pods are veth host ends in a
 * node's namespace: `<10 hex of sha1(ns/pod)>_h` (13 characters, under IFNAMSIZ).
 *
 * Namespace names carry only the id, so the id is claimed machine-wide by one home at a time: `claimFile`, under
 * `/run/kovn/labs` (a tmpfs, like /run/netns, so claims and namespaces both vanish at boot; process/claim.ts).
 */
import { join, resolve } from 'node:path';

export const DEFAULT_LAB_ID = 'kovn';
export const DEFAULT_NODES = ['kube-ovn-control-plane', 'kube-ovn-worker'] as const;
/** Where machine-wide lab state lives (the claims of lab ids). */
export const LAB_RUN_DIR = '/run/kovn';
/** The emulated underlay carrying geneve between nodes: RFC 5737 TEST-NET-1, never routed anywhere real. */
export const UNDERLAY_CIDR = '192.0.2.0/24';

export interface LabLayout {
  id: string;
  home: string;
  kubeconfig: string;
  /** The lab daemon's pid file and its status file (JSON, rewritten as components change state). */
  daemonPid: string;
  statusFile: string;
  /** The topology page's URL (token included), written by the lab's `kovn ui`. */
  uiUrlFile: string;
  /** Everything the lab created that must be removed by `kovn down` (JSON: pids, namespaces). */
  ledger: string;
  logDir: string;
  apiserverDir: string;
  centralDir: string;
  nodeDir(node: string): string;
  /** The node agent's CNI socket (kovn-cni connects here). */
  cniSocket(node: string): string;
  /** The node agent's TProxy listener control socket (its pid file is `<socket>.pid`, src/node/tproxy/process.ts). */
  tproxySocket(node: string): string;
  /** Which home holds this lab id on this machine (JSON `{ id, home }`). */
  claimFile: string;
  underlayNetns: string;
  nodeNetns(node: string): string;
  podNetns(namespace: string, pod: string): string;
  upstreamNetns(subnet: string): string;
  /** Is this a namespace name this lab creates (one of the four shapes above, with this lab's id)? */
  owns(netns: string): boolean;
}

export function labHome(env: NodeJS.ProcessEnv = process.env, projectDir = process.cwd()): string {
  return resolve(env['KOVN_HOME'] || join(projectDir, '.kovn'));
}

/** Lab ids are short and plain, so every name derived from one stays under IFNAMSIZ and needs no quoting. */
const isLabId = (id: string): boolean => /^[a-z0-9]{1,12}$/.test(id);

export function labLayout(home: string, id: string = DEFAULT_LAB_ID, runDir = LAB_RUN_DIR): LabLayout {
  if (!isLabId(id)) throw new Error(`lab id ${JSON.stringify(id)}: 1-12 of [a-z0-9]`);
  const prefixes = [`${id}-n-`, `${id}-p-`, `${id}-x-`];
  return {
    id,
    home,
    kubeconfig: join(home, 'kubeconfig'),
    daemonPid: join(home, 'lab.pid'),
    statusFile: join(home, 'status.json'),
    uiUrlFile: join(home, 'ui.url'),
    ledger: join(home, 'ledger.json'),
    logDir: join(home, 'logs'),
    apiserverDir: join(home, 'apiserver'),
    centralDir: join(home, 'central'),
    nodeDir: (node) => join(home, 'nodes', node),
    cniSocket: (node) => join(home, 'nodes', node, 'cni.sock'),
    tproxySocket: (node) => join(home, 'nodes', node, 'tproxy.sock'),
    claimFile: join(runDir, 'labs', `${id}.json`),
    underlayNetns: `${id}-ul`,
    nodeNetns: (node) => `${id}-n-${node}`,
    podNetns: (namespace, pod) => `${id}-p-${namespace}.${pod}`,
    upstreamNetns: (subnet) => `${id}-x-${subnet}`,
    owns: (netns) =>
      netns === `${id}-ul` || prefixes.some((p) => netns.startsWith(p) && netns.length > p.length),
  };
}
