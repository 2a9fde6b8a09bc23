/**
 * The few API calls kubelet-lite makes besides its informers, over any kubeconfig (src/kube/request.ts): read a
 * NetworkAttachmentDefinition, write a pod's status through the status subresource, record an Event as the kubelet
 * (src/kube/events.ts: `source.component: kubelet`, `host: <node>`), and delete a terminating pod with grace period
 * 0 once its sandbox is gone. Writes to a pod that no longer exists are not errors.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { isNotFound } from '../../kube/errors.ts';
import { EventRecorder, podInvolved } from '../../kube/events.ts';
import { kubeRequest } from '../../kube/request.ts';
import { objectPath } from '../../kube/resources.ts';
import type { Clock } from '../../util/clock.ts';

const podPath = (pod: KubeObject, subresource?: string): string =>
  objectPath('Pod', pod.metadata.name ?? '', pod.metadata.namespace, subresource);

export class KubeletApi {
  readonly #kc: KubeConfig;
  readonly #events: EventRecorder;

  constructor(kubeConfig: KubeConfig, node: string, clock: Clock) {
    this.#kc = kubeConfig;
    this.#events = new EventRecorder({
      source: { component: 'kubelet', host: node, instance: node },
      clock,
      send: (request) => kubeRequest(kubeConfig, request),
    });
  }

  /** The NAD, or undefined when it does not exist. */
  async networkAttachment(namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await kubeRequest<KubeObject>(this.#kc, {
        method: 'GET',
        path: objectPath('NetworkAttachmentDefinition', name, namespace),
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async patchStatus(pod: KubeObject, status: Record<string, unknown>): Promise<void> {
    await this.#ignoreGone(
      kubeRequest(this.#kc, {
        method: 'PATCH',
        path: podPath(pod, 'status'),
        body: { status },
        patch: 'merge',
      }),
    );
  }

  async event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await this.#ignoreGone(this.#events.record(podInvolved(pod), { type, reason, message }));
  }

  /** Deletes the pod now (grace period 0), only if it is still the same object (uid). */
  async deletePod(pod: KubeObject): Promise<void> {
    await this.#ignoreGone(
      kubeRequest(this.#kc, {
        method: 'DELETE',
        path: podPath(pod),
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          gracePeriodSeconds: 0,
          ...(pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {}),
        },
      }),
    );
  }

  async #ignoreGone(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
