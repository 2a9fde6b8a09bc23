/**
 * A KubeInformer for a kind named as resources.ts knows it (where the kind is served follows from its name), with its
 * list/watch failures logged as warnings: what the lab's control loops and the agents need to watch a few kinds over
 * one kubeconfig without spelling out groups and plurals.
 *
 *   const pods = kindInformer<Pod>('Pod', { kubeConfig, clock, log, fieldSelector: `spec.nodeName=${node}` });
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeObject } from '../api/types.ts';
import type { Clock } from '../util/clock.ts';
import { KubeInformer } from './informer-kube.ts';
import { kindInfo } from './resources.ts';

export interface KindInformerOptions {
  kubeConfig: KubeConfig;
  clock: Clock;
  /** Where failures to list or watch (each retried) are reported. */
  log: Logger;
  labelSelector?: string;
  fieldSelector?: string;
}

export function kindInformer<T extends KubeObject = KubeObject>(
  kind: string,
  options: KindInformerOptions,
): KubeInformer<T> {
  const { kubeConfig, clock, log, labelSelector, fieldSelector } = options;
  return new KubeInformer<T>({
    kubeConfig,
    resource: kindInfo(kind),
    clock,
    ...(labelSelector === undefined ? {} : { labelSelector }),
    ...(fieldSelector === undefined ? {} : { fieldSelector }),
    onError: (err) => log.warn({ err, kind }, 'informer list/watch failed; retrying'),
  });
}
