/**
 * Which northbound database `kovn nbctl` talks to, and the leading options that say so. Pure: the command
 * (nbctl.ts) does the I/O. Precedence: `--ovn-nb-addr R`, then `OVN_NB_ADDR`; else the lab's NB socket when the
 * kubeconfig in use is the lab's (kubeconfig.ts decides which one is in use); else a real cluster, reached as
 * Kube-OVN's `kubectl ko nbctl` reaches it: `ovn-nbctl` exec'd in the NB leader's `ovn-central` pod.
 */
import { join, resolve } from 'node:path';
import type { KubeconfigSource } from '../kube/kubeconfig.ts';

export interface NbctlArgs {
  ovnNbAddr: string | undefined;
  kubeconfig: string | undefined;
  context: string | undefined;
  /** Everything after kovn's own leading options, passed to ovn-nbctl verbatim (its own `--` included). */
  nbctlArgs: string[];
}

const OWN_OPTIONS = {
  '--ovn-nb-addr': 'ovnNbAddr',
  '--kubeconfig': 'kubeconfig',
  '--context': 'context',
} as const;
type OwnOption = keyof typeof OWN_OPTIONS;
const isOwnOption = (name: string): name is OwnOption => Object.hasOwn(OWN_OPTIONS, name);

/** kovn's options are read only from the front (`--name V` or `--name=V`): ovn-nbctl's own `--` separates commands. */
export function parseNbctlArgs(args: readonly string[]): NbctlArgs | { error: string } {
  const parsed: NbctlArgs = {
    ovnNbAddr: undefined,
    kubeconfig: undefined,
    context: undefined,
    nbctlArgs: [],
  };
  let i = 0;
  while (i < args.length) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!isOwnOption(name)) break;
    const value = eq === -1 ? args[i + 1] : arg.slice(eq + 1);
    if (value === undefined || value === '') return { error: `option ${name} needs a value` };
    parsed[OWN_OPTIONS[name]] = value;
    i += eq === -1 ? 2 : 1;
  }
  parsed.nbctlArgs = args.slice(i);
  return parsed;
}

export type NbTarget =
  | { kind: 'remote'; db: string }
  | { kind: 'lab'; db: string; centralDir: string }
  | { kind: 'cluster'; kubeconfig: string | undefined; context: string | undefined };

export interface NbTargetInput {
  args: NbctlArgs;
  env: NodeJS.ProcessEnv;
  /** The kubeconfig in use (`kubeconfigSource`). */
  source: KubeconfigSource;
  /** The lab home's kubeconfig and central directory (labLayout). */
  labKubeconfig: string;
  labCentralDir: string;
}

export function chooseNbTarget(input: NbTargetInput): NbTarget {
  const remote = input.args.ovnNbAddr ?? (input.env['OVN_NB_ADDR'] || undefined);
  if (remote) return { kind: 'remote', db: remote };
  const { paths, from } = input.source;
  const isLab =
    from === 'lab' || (paths.length === 1 && resolve(paths[0] ?? '') === resolve(input.labKubeconfig));
  if (isLab) {
    return {
      kind: 'lab',
      db: `unix:${join(input.labCentralDir, 'nb.sock')}`,
      centralDir: input.labCentralDir,
    };
  }
  return { kind: 'cluster', kubeconfig: input.args.kubeconfig, context: input.args.context };
}

/** Kube-OVN labels its ovn-central pods `app=ovn-central` and the NB Raft leader among them `ovn-nb-leader=true`. */
export const NB_LEADER_SELECTOR = 'app=ovn-central,ovn-nb-leader=true';
export const KUBE_OVN_NAMESPACE = 'kube-system';
export const OVN_CENTRAL_CONTAINER = 'ovn-central';

/** kubectl's own options for a cluster target (kubectl ignores `KUBECONFIG` only when told a file). */
export function kubectlGlobals(target: {
  kubeconfig: string | undefined;
  context: string | undefined;
}): string[] {
  return [
    ...(target.kubeconfig === undefined ? [] : ['--kubeconfig', target.kubeconfig]),
    ...(target.context === undefined ? [] : ['--context', target.context]),
    '-n',
    KUBE_OVN_NAMESPACE,
  ];
}
