/**
 * `kovn exec NAMESPACE/POD -- CMD [ARGS...]`: runs a command inside the pod's network namespace in the running lab
 * (found through the API: the pod must exist and be on this lab) and passes its exit code through, printing its
 * output. A pod without namespace part is looked up in `default`. `kovn exec --upstream SUBNET -- CMD` runs in the
 * upstream namespace of an external Subnet (the emulated physical router and the hosts beyond it); `kovn exec
 * --node-network -- CMD` on the node network's outside host (192.0.2.1, lab/dataplane/underlay.ts: what a default-VPC
 * pod reaches through its node, ADR 27).
 */
import { execInPod, PodExecError } from '../../lab/exec.ts';
import { netnsExists } from '../../lab/kubelet/netns.ts';
import type { LabLayout } from '../../lab/layout.ts';
import { processRunner } from '../../util/exec.ts';
import { openLab, parsePodRef } from './lab-pod.ts';
import type { CommandIo } from './validate.ts';

export const EXEC_USAGE =
  'usage: kovn exec NAMESPACE/POD -- CMD [ARGS...]\n       kovn exec --upstream SUBNET -- CMD [ARGS...]\n       kovn exec --node-network -- CMD [ARGS...]';

export async function execCommand(args: string[], io: CommandIo): Promise<number> {
  const dash = args.indexOf('--');
  const target = dash > 0 ? args[0] : undefined;
  const command = dash >= 0 ? args.slice(dash + 1) : [];
  if (!target || !command.length) {
    io.err(EXEC_USAGE);
    return 2;
  }
  const upstream = target === '--upstream' ? args[1] : undefined;
  if ((target === '--upstream' && (!upstream || dash !== 2)) || (target === '--node-network' && dash !== 1)) {
    io.err(EXEC_USAGE);
    return 2;
  }
  const { namespace, pod } = parsePodRef(target);
  const lab = openLab('exec', io);
  if (!lab) return 1;
  const { layout, kubeConfig } = lab;
  if (upstream) return execUpstream(layout, upstream, command, io);
  if (target === '--node-network') return execIn(layout.underlayNetns, command);
  try {
    const r = await execInPod({ layout, kubeConfig, namespace, pod, command });
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    return r.code;
  } catch (err) {
    if (err instanceof PodExecError) {
      io.err(`kovn exec: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** `--upstream SUBNET`: the upstream namespace of an external Subnet (lab/dataplane/upstream.ts). */
async function execUpstream(
  layout: LabLayout,
  subnet: string,
  command: string[],
  io: CommandIo,
): Promise<number> {
  const netns = layout.upstreamNetns(subnet);
  if (!netnsExists(netns)) {
    io.err(
      `kovn exec: subnet ${subnet} has no upstream network in this lab (it needs a non-OVN provider and a NetworkAttachmentDefinition with a master and kube-ovn IPAM)`,
    );
    return 1;
  }
  return execIn(netns, command);
}

/** Runs the command in a lab namespace, its output printed, its exit code returned. */
async function execIn(netns: string, command: string[]): Promise<number> {
  const [cmd, ...rest] = command as [string, ...string[]];
  const r = await processRunner.run(cmd, rest, { netns });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  return r.code;
}
