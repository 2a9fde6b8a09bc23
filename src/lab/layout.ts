/**
 * Where a lab keeps things and what it calls them. One lab = one home directory (default `<project>/.kovn`,
 * `KOVN_HOME` overrides) and one short lab id that prefixes every network namespace it creates, so two labs (tests
 * run several) never share a name and `kovn down` can find all of its own. Pure: no I/O here.
 *
 * Namespaces: `<id>-ul` (underlay bridge), `<id>-n-<node>` (a node's host network), `<id>-p-<ns>.<pod>` (a pod; a
 * Kubernetes namespace has no '.', so the split is unambiguous), `<id>-x-<subnet>` (upstream of an external subnet).
 * Interface names are local to the namespace they live in; the only ones derived from pods are veth host ends in a
 * node's namespace: `<10 hex of sha1(ns/pod)>_h` (13 characters, under IFNAMSIZ).
 */
import { join, resolve } from 'node:path';

export const DEFAULT_LAB_ID = 'kovn';
export const DEFAULT_NODES = ['kube-ovn-control-plane', 'kube-ovn-worker'] as const;
/** The emulated underlay carrying geneve between nodes: RFC 5737 TEST-NET-1, never routed anywhere real. */
export const UNDERLAY_CIDR = '192.0.2.0/24';

export interface LabLayout {
  id: string;
  home: string;
  kubeconfig: string;
  /** The lab daemon's pid file and its status file (JSON, rewritten as components change state). */
  daemonPid: string;
  statusFile: string;
  /** Everything the lab created that must be removed by `kovn down` (JSON: pids, namespaces). */
  ledger: string;
  logDir: string;
  apiserverDir: string;
  centralDir: string;
  nodeDir(node: string): string;
  /** The node agent's CNI socket (kovn-cni connects here). */
  cniSocket(node: string): string;
  underlayNetns: string;
  nodeNetns(node: string): string;
  podNetns(namespace: string, pod: string): string;
  upstreamNetns(subnet: string): string;
  /** Is this a namespace name this lab created? */
  owns(netns: string): boolean;
}

export function labHome(env: NodeJS.ProcessEnv = process.env, projectDir = process.cwd()): string {
  return resolve(env['KOVN_HOME'] || join(projectDir, '.kovn'));
}

export function labLayout(home: string, id: string = DEFAULT_LAB_ID): LabLayout {
  if (!/^[a-z0-9]{1,12}$/.test(id)) throw new Error(`lab id ${JSON.stringify(id)}: 1-12 of [a-z0-9]`);
  return {
    id,
    home,
    kubeconfig: join(home, 'kubeconfig'),
    daemonPid: join(home, 'lab.pid'),
    statusFile: join(home, 'status.json'),
    ledger: join(home, 'ledger.json'),
    logDir: join(home, 'logs'),
    apiserverDir: join(home, 'apiserver'),
    centralDir: join(home, 'central'),
    nodeDir: (node) => join(home, 'nodes', node),
    cniSocket: (node) => join(home, 'nodes', node, 'cni.sock'),
    underlayNetns: `${id}-ul`,
    nodeNetns: (node) => `${id}-n-${node}`,
    podNetns: (namespace, pod) => `${id}-p-${namespace}.${pod}`,
    upstreamNetns: (subnet) => `${id}-x-${subnet}`,
    owns: (netns) => netns.startsWith(`${id}-`),
  };
}
