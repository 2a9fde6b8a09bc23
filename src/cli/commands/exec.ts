/**
 * `kovn exec NAMESPACE/POD -- CMD [ARGS...]`: runs a command inside the pod's network namespace in the running lab
 * (found through the API: the pod must exist and be on this lab) and passes its exit code through, printing its
 * output. A pod without namespace part is looked up in `default`.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { readConfig } from '../../lab/config.ts';
import { execInPod, PodExecError } from '../../lab/exec.ts';
import { labHome, labLayout } from '../../lab/layout.ts';
import type { CommandIo } from './validate.ts';

export const EXEC_USAGE = 'usage: kovn exec NAMESPACE/POD -- CMD [ARGS...]';

export async function execCommand(args: string[], io: CommandIo): Promise<number> {
  const dash = args.indexOf('--');
  const target = dash > 0 ? args[0] : undefined;
  const command = dash >= 0 ? args.slice(dash + 1) : [];
  if (!target || !command.length) {
    io.err(EXEC_USAGE);
    return 2;
  }
  const [namespace, pod] = target.includes('/') ? target.split('/', 2) : ['default', target];
  const home = labHome();
  const config = readConfig(home);
  if (!config) {
    io.err(`kovn exec: no kovn lab in ${home} (start one with \`kovn up\`)`);
    return 1;
  }
  const layout = labLayout(home, config.id);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(layout.kubeconfig);
  try {
    const r = await execInPod({ layout, kubeConfig, namespace: namespace!, pod: pod!, command });
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
