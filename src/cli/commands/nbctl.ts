/**
 * `kovn nbctl [--ovn-nb-addr R] [--kubeconfig F] [--context C] ARGS...` (`kubectl kovn nbctl`, as `kubectl ko nbctl`):
 * runs `ovn-nbctl ARGS...` against the cluster's northbound database (nbctl-target.ts decides which), passing its
 * stdout, stderr and exit code through. Writes are not refused: what ovn-nbctl is asked to do is the user's choice.
 */
import { existsSync } from 'node:fs';
import { kubeconfigSource } from '../kube/kubeconfig.ts';
import { labHome, labLayout } from '../../lab/layout.ts';
import { processRunner, type RunResult } from '../../util/exec.ts';
import {
  chooseNbTarget,
  kubectlGlobals,
  NB_LEADER_SELECTOR,
  OVN_CENTRAL_CONTAINER,
  parseNbctlArgs,
  type NbTarget,
} from './nbctl-target.ts';

export const NBCTL_USAGE =
  'usage: kovn nbctl [--ovn-nb-addr REMOTE] [--kubeconfig PATH] [--context NAME] OVN-NBCTL-ARGS...';

/** Raw output sinks: ovn-nbctl's bytes are passed on as they are. */
export interface RawIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export async function nbctlCommand(args: string[], io: RawIo, env = process.env): Promise<number> {
  const parsed = parseNbctlArgs(args);
  if ('error' in parsed) {
    io.stderr(`kovn nbctl: ${parsed.error}\n${NBCTL_USAGE}\n`);
    return 2;
  }
  const layout = labLayout(labHome(env));
  const target = chooseNbTarget({
    args: parsed,
    env,
    source: kubeconfigSource(parsed.kubeconfig, env),
    labKubeconfig: layout.kubeconfig,
    labCentralDir: layout.centralDir,
  });
  const result = await runNbctl(target, parsed.nbctlArgs, io);
  if (!result) return 1;
  io.stdout(result.stdout);
  io.stderr(result.stderr);
  return result.code;
}

async function runNbctl(target: NbTarget, nbctlArgs: string[], io: RawIo): Promise<RunResult | undefined> {
  switch (target.kind) {
    case 'remote':
      return processRunner.run('ovn-nbctl', [`--db=${target.db}`, ...nbctlArgs]);
    case 'lab':
      if (!existsSync(target.db.slice('unix:'.length))) {
        io.stderr(`kovn nbctl: the lab's NB is not running (${target.db}); start the lab with \`kovn up\`\n`);
        return undefined;
      }
      return processRunner.run('ovn-nbctl', [`--db=${target.db}`, ...nbctlArgs], {
        env: { OVS_RUNDIR: target.centralDir },
      });
    case 'cluster': {
      const leader = await nbLeaderPod(target, io);
      if (!leader) return undefined;
      return processRunner.run('kubectl', [
        ...kubectlGlobals(target),
        'exec',
        leader,
        '-c',
        OVN_CENTRAL_CONTAINER,
        '--',
        'ovn-nbctl',
        ...nbctlArgs,
      ]);
    }
  }
}

/** The ovn-central pod Kube-OVN labelled NB leader; undefined after saying why there is none. */
async function nbLeaderPod(
  target: Extract<NbTarget, { kind: 'cluster' }>,
  io: RawIo,
): Promise<string | undefined> {
  const r = await processRunner.run('kubectl', [
    ...kubectlGlobals(target),
    'get',
    'pod',
    '-l',
    NB_LEADER_SELECTOR,
    '-o',
    'jsonpath={.items[*].metadata.name}',
  ]);
  const leader = r.stdout.trim().split(/\s+/)[0];
  if (r.code !== 0 || !leader) {
    io.stderr(
      `kovn nbctl: no NB leader: ${r.code !== 0 ? r.stderr.trim() : `no pod labelled ${NB_LEADER_SELECTOR} in kube-system`}\n`,
    );
    return undefined;
  }
  return leader;
}
