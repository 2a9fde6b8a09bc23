/**
 * Watches a lab's pods from outside, for bench:lab's stage table (lab-stages.ts): a watch on the namespace's pods
 * (scheduled, annotated, Ready: the time each change arrives), a monitor of the NB's Logical_Switch_Port rows (the
 * pod's port `up`, which northd sets once ovn-controller has bound the OVS interface), and, read afterwards, the node
 * agents' JSON logs (the `time` of each CNI ADD's start and finish) and the lab daemon's (the kubelet's `sandbox
 * created`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../src/api/types.ts';
import { portName } from '../src/api/constants.ts';
import { KubeInformer } from '../src/kube/informer-kube.ts';
import { kindInfo } from '../src/kube/resources.ts';
import { OvsdbClient } from '../src/ovsdb/index.ts';
import type { OvnNbTables } from '../src/ovsdb/generated/ovn-nb.ts';
import { agentLogMark, podStages, type StageTimes } from './lab-stages.ts';

export interface StageObserver {
  /** Adds the CNI ADD starts and finishes (node agents' logs) and the sandboxes created (the daemon's) so far. */
  readAgentLogs(): void;
  /** Ends the watch and the monitor. */
  stop(): Promise<void>;
}

export async function observeStages(options: {
  kubeConfig: KubeConfig;
  /** The NB's remote (the lab's `unix:<centralDir>/nb.sock`). */
  nbRemote: string;
  /** The lab's log directory, holding `node-agent-<node>.log` and the daemon's `lab.log`. */
  logDir: string;
  namespace: string;
  times: StageTimes;
}): Promise<StageObserver> {
  const { namespace, times } = options;
  const pods = new KubeInformer({
    kubeConfig: options.kubeConfig,
    resource: kindInfo('Pod'),
    namespace,
    onError: (err) => console.error(`bench:lab: pod watch failed, retrying: ${(err as Error).message}`),
  });
  const sighted = (pod: KubeObject) => {
    const now = Date.now();
    for (const stage of podStages(pod)) times.mark(stage, pod.metadata.name ?? '', now);
  };
  pods.on('add', sighted);
  pods.on('update', sighted);
  await pods.start();

  const nb = await OvsdbClient.connect<OvnNbTables>({
    remotes: [options.nbRemote],
    database: 'OVN_Northbound',
  });
  nb.cache.on('change', (change) => {
    if (change.table !== 'Logical_Switch_Port' || change.kind === 'delete') return;
    const row = change.new as Partial<OvnNbTables['Logical_Switch_Port']>;
    const pod = row.name?.slice(0, -(namespace.length + 1)) ?? '';
    if (row.up === true && row.name === portName(pod, namespace)) times.mark('portUp', pod, Date.now());
  });
  await nb.monitor({ Logical_Switch_Port: { columns: ['name', 'up'] } });

  return {
    readAgentLogs() {
      for (const file of readdirSync(options.logDir).filter((f) => /^(node-agent-.*|lab)\.log$/.test(f))) {
        for (const line of readFileSync(join(options.logDir, file), 'utf8').split('\n')) {
          const mark = agentLogMark(line, namespace);
          if (mark) times.mark(mark.stage, mark.pod, mark.at);
        }
      }
    },
    async stop() {
      nb.close();
      await pods.stop();
    },
  };
}
