/**
 * What `kovn exec` and `kovn trace` share: the running lab they act on (its layout and a KubeConfig for its API
 * server, read from the lab home) and their `NAMESPACE/POD` argument.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { readConfig } from '../../lab/config.ts';
import { labHome, labLayout, type LabLayout } from '../../lab/layout.ts';
import type { CommandIo } from './validate.ts';

export interface RunningLab {
  layout: LabLayout;
  kubeConfig: KubeConfig;
}

/** The lab in `home`; undefined, after printing `kovn COMMAND: no kovn lab in HOME ...`, when there is none. */
export function openLab(command: string, io: CommandIo, home = labHome()): RunningLab | undefined {
  const config = readConfig(home);
  if (!config) {
    io.err(`kovn ${command}: no kovn lab in ${home} (start one with \`kovn up\`)`);
    return undefined;
  }
  const layout = labLayout(home, config.id);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(layout.kubeconfig);
  return { layout, kubeConfig };
}

export interface PodRef {
  namespace: string;
  pod: string;
}

/** `NAMESPACE/POD`, or `POD` in the `default` namespace; whatever follows a second `/` is dropped. */
export function parsePodRef(text: string): PodRef {
  if (!text.includes('/')) return { namespace: 'default', pod: text };
  const [namespace = '', pod = ''] = text.split('/', 2);
  return { namespace, pod };
}
