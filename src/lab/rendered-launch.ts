/**
 * The controller's and node agents' processes as `kovn install` renders them (src/install/workloads.ts): the lab
 * runs no containers, so it turns the kovn-controller Deployment's and the kovn-node DaemonSet's container into a
 * process the way a kubelet would start it: the image's program becomes this checkout's (`PROGRAMS`), each env var
 * keeps its literal value or gets its downward-API field for the lab's pod (container-env.ts, `fieldValue`), `$(VAR)` in the args is
 * expanded from that env, and the pod's `serviceAccountName` picks whose token it runs with. The lab changes only
 * what a pod gets from its mounts and the cluster, every such change a row of `LAB_OVERRIDES`. Whatever it cannot
 * resolve (another fieldRef, a Secret or ConfigMap reference, an undefined `$(VAR)`, a rendered path under one of
 * the container's mounts that no row maps, a row that matches nothing) throws, so a drift of the rendering fails
 * the lab's tests instead of being run unnoticed. Pure.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../api/types.ts';
import { DEFAULT_IMAGE, type InstallOptions } from '../install/options.ts';
import { COMPONENTS, type Component } from '../install/rbac.ts';
import { controllerDeployment, KOVN_DIR, NODE_BIN, nodeDaemonSet } from '../install/workloads.ts';
import { containerEnv, expandVars, type Container } from './container-env.ts';
import { COMPONENT_NAMESPACE } from './service-accounts.ts';

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

/** The rendering the lab runs: `kovn install`'s defaults (kovn's own OVN) in the lab's namespace, in its CNI mode. */
export const labInstall = (mode: InstallOptions['mode'] = 'primary'): InstallOptions => ({
  mode,
  ovnNbAddr: undefined,
  ovnSbAddr: undefined,
  image: DEFAULT_IMAGE,
  namespace: COMPONENT_NAMESPACE,
  ovnCentralReplicas: 1,
});
export const labControllerWorkload = (mode?: InstallOptions['mode']): KubeObject =>
  controllerDeployment(labInstall(mode));
export const labNodeWorkload = (mode?: InstallOptions['mode']): KubeObject => nodeDaemonSet(labInstall(mode));

/** What the lab gives the process in place of a pod's mounts and the cluster's addresses. */
export interface LabSite {
  /** A kubeconfig carrying a token of the pod's ServiceAccount. */
  kubeconfig: string;
  /** The lab's metrics flags for this process (LabMetrics.flags). */
  metricsFlags: readonly string[];
  /** The lab's NB remote (controller). */
  nbRemote?: string;
  /** The lab node the pod runs on (DaemonSet pods). */
  node?: { name: string; address: string; netns: string; ovsRundir: string; cniSocket: string };
  /** `kovn up --enable-tproxy` (node agents). */
  enableTproxy?: boolean;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * One change: `replace` a rendered arg (by flag) or env var, which must be there; `add` one the rendering must not
 * have; `set` one the rendering has in some modes only.
 */
export type LabOverride = { container: string; reason: string; action: 'replace' | 'add' | 'set' } & (
  { arg: string; value: (site: LabSite) => string[] } | { env: string; value: (site: LabSite) => string }
);

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`the lab gave no ${what} for this process`);
  return value;
};
const nodeOf = (site: LabSite) => need(site.node, 'node');
const kubeconfig = (container: string): LabOverride => ({
  container,
  arg: '--kubeconfig',
  action: 'add',
  value: (s) => [`--kubeconfig=${s.kubeconfig}`],
  reason:
    "a pod reads its ServiceAccount's token from /var/run/secrets/kubernetes.io/serviceaccount; the lab passes a kubeconfig with a token of the same ServiceAccount",
});
const metrics = (container: string): LabOverride => ({
  container,
  arg: '--metrics-addr',
  action: 'replace',
  value: (s) => [...s.metricsFlags],
  reason:
    "an ephemeral loopback port and a URL file: the lab's processes (and several labs) share one host network, where each pod has its own or its node's",
});

/** Every change the lab makes to the rendered containers, with why. */
export const LAB_OVERRIDES: readonly LabOverride[] = [
  kubeconfig('kovn-controller'),
  {
    container: 'kovn-controller',
    env: 'OVN_NB_ADDR',
    action: 'replace',
    value: (s) => need(s.nbRemote, 'NB remote'),
    reason: "the lab's NB is its own ovsdb-server, not the ovn-nb Service a pod resolves",
  },
  metrics('kovn-controller'),
  kubeconfig('kovn-node'),
  {
    container: 'kovn-node',
    arg: '--netns',
    action: 'add',
    value: (s) => [`--netns=${nodeOf(s).netns}`],
    reason: "hostNetwork: the pod's host network is the lab node's namespace, not the lab daemon's",
  },
  {
    container: 'kovn-node',
    arg: '--ovs-rundir',
    action: 'replace',
    value: (s) => [`--ovs-rundir=${nodeOf(s).ovsRundir}`],
    reason: "hostPath /run/openvswitch: the lab node's own OVS run directory",
  },
  {
    container: 'kovn-node',
    arg: '--socket',
    action: 'replace',
    value: (s) => [`--socket=${nodeOf(s).cniSocket}`],
    reason:
      "hostPath /run/openvswitch: the CNI socket in the lab node's directory (the TProxy socket's default sits beside it)",
  },
  metrics('kovn-node'),
  {
    container: 'kovn-node',
    arg: '--enable-tproxy',
    action: 'set',
    value: (s) => [`--enable-tproxy=${need(s.enableTproxy, 'TProxy setting')}`],
    reason:
      '`kovn up --enable-tproxy` (a lab setting, on by default); the rendering names it in primary mode only, on',
  },
];

/** The image's programs and what runs them in the lab: kovn's launcher, Node, and /opt/kovn (this checkout). */
const PROGRAMS: readonly { image: string; lab: string[] }[] = [
  { image: `${KOVN_DIR}/bin/kovn`, lab: [process.execPath, join(PROJECT, 'src/cli/main.ts')] },
  { image: NODE_BIN, lab: [process.execPath] },
];

interface PodSpec {
  serviceAccountName?: string;
  hostNetwork?: boolean;
  containers: Container[];
}

function podSpec(workload: KubeObject): PodSpec {
  const spec = (workload as { spec?: { template?: { spec?: PodSpec } } }).spec?.template?.spec;
  if (!spec) throw new Error(`${workload.kind} ${workload.metadata.name}: no pod template`);
  return spec;
}

/** The ServiceAccount the workload's pods run as, as one of the rendered components. */
export function workloadComponent(workload: KubeObject): Component {
  const sa = podSpec(workload).serviceAccountName;
  const c = COMPONENTS.find((x) => x.serviceAccount === sa);
  if (!c)
    throw new Error(`${workload.metadata.name}: ServiceAccount ${String(sa)} is none of the rendered ones`);
  return c;
}

/** A downward-API field of the lab's pod, as the kubelet would fill it in; throws for any other. */
function fieldValue(path: string, workload: KubeObject, spec: PodSpec, site: LabSite): string {
  const node = () => need(site.node, `node (for ${path})`);
  const name = workload.metadata.name;
  switch (path) {
    case 'metadata.name':
      return workload.kind === 'DaemonSet' ? `${name}-${node().name}` : `${name}-lab`;
    case 'metadata.namespace':
      return need(workload.metadata.namespace, 'namespace');
    case 'spec.nodeName':
      return node().name;
    case 'spec.serviceAccountName':
      return need(spec.serviceAccountName, 'ServiceAccount');
    case 'status.hostIP':
      return node().address;
    case 'status.podIP':
      if (spec.hostNetwork) return node().address;
      throw new Error('status.podIP: the lab runs the process on no pod network');
    default:
      throw new Error(`fieldRef ${path}: the lab does not know how to resolve it`);
  }
}

const flagOf = (arg: string): string => /^(--[A-Za-z0-9-]+)(=|$)/.exec(arg)?.[1] ?? arg;

function program(command: readonly string[]): string[] {
  const [image, ...rest] = command;
  const known = PROGRAMS.find((p) => p.image === image);
  if (!known) throw new Error(`command ${String(image)}: not a program the lab knows how to run`);
  const lab = rest.map((x) => (x.startsWith(`${KOVN_DIR}/`) ? join(PROJECT, x.slice(KOVN_DIR.length)) : x));
  return [...known.lab, ...lab];
}

/** Throws if a rendered value still names a path under one of the container's mounts (no row mapped it). */
function refuseMountedPaths(c: Container, values: readonly string[]): void {
  for (const value of values)
    for (const m of c.volumeMounts ?? [])
      if (value.split(/[=:,]/).some((t) => t === m.mountPath || t.startsWith(`${m.mountPath}/`)))
        throw new Error(
          `${value}: a path under the mount ${m.mountPath} (volume ${m.name}) that the lab does not map`,
        );
}

const mismatch = (what: string, r: LabOverride): Error =>
  new Error(`override of ${what} (${r.action}): the rendering ${r.action === 'add' ? 'has' : 'lacks'} it`);

/** Applies the env rows to `env` in place; returns the names they set. */
function overrideEnv(env: Record<string, string>, site: LabSite, rows: readonly LabOverride[]): Set<string> {
  const set = new Set<string>();
  for (const r of rows) {
    if (!('env' in r)) continue;
    if (r.action !== 'set' && r.env in env !== (r.action === 'replace')) throw mismatch(`env ${r.env}`, r);
    env[r.env] = r.value(site);
    set.add(r.env);
  }
  return set;
}

/** The rendered args with the rows' flags swapped in place where rendered, appended where not. */
function overrideArgs(
  args: readonly string[],
  site: LabSite,
  rows: readonly LabOverride[],
): { args: string[]; kept: string[] } {
  const argRows = rows.flatMap((r) => ('arg' in r ? [r] : []));
  for (const r of argRows)
    if (r.action !== 'set' && args.some((a) => flagOf(a) === r.arg) !== (r.action === 'replace'))
      throw mismatch(r.arg, r);
  const kept = args.filter((a) => !argRows.some((r) => r.arg === flagOf(a)));
  const out = args.flatMap((a) => {
    const r = argRows.find((x) => x.arg === flagOf(a));
    return r ? r.value(site) : [a];
  });
  const absent = argRows.filter((r) => !args.some((a) => flagOf(a) === r.arg));
  return { args: [...out, ...absent.flatMap((r) => r.value(site))], kept };
}

/** The process the lab starts for `workload`'s container of the same name, at `site`. */
export function labLaunch(
  workload: KubeObject,
  site: LabSite,
  rows: readonly LabOverride[] = LAB_OVERRIDES,
): Launch {
  const name = workload.metadata.name;
  const spec = podSpec(workload);
  const mine = rows.filter((r) => r.container === name);
  try {
    const c = spec.containers.find((x) => x.name === name);
    if (!c) throw new Error('no container of that name');
    const env = containerEnv(c, (path) => fieldValue(path, workload, spec, site));
    const overridden = overrideEnv(env, site, mine);
    const { args, kept } = overrideArgs(
      (c.args ?? []).map((a) => expandVars(a, env)),
      site,
      mine,
    );
    refuseMountedPaths(c, [
      ...kept,
      ...Object.entries(env).flatMap(([k, v]) => (overridden.has(k) ? [] : [v])),
    ]);
    const [command, ...rest] = program((c.command ?? []).map((a) => expandVars(a, env)));
    return { command: need(command, 'command'), args: [...rest, ...args], env };
  } catch (err) {
    throw new Error(`${workload.kind} ${name}: ${(err as Error).message} (src/lab/rendered-launch.ts)`, {
      cause: err,
    });
  }
}
