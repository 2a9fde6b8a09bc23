/**
 * The few API calls kubelet-lite makes besides its informers, over any kubeconfig (src/kube/request.ts): read a
 * NetworkAttachmentDefinition, write a pod's status through the status subresource, record an Event as the kubelet
 * (`source.component: kubelet`, `host: <node>`), and delete a terminating pod with grace period 0 once its sandbox
 * is gone. Writes to a pod that no longer exists are not errors.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/types.ts';
import { isNotFound, kubeRequest } from '../../kube/request.ts';
import type { Clock } from '../../util/clock.ts';

const podPath = (ns: string, name: string): string =>
  `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`;

export class KubeletApi {
  readonly #kc: KubeConfig;
  readonly #node: string;
  readonly #clock: Clock;

  constructor(kubeConfig: KubeConfig, node: string, clock: Clock) {
    this.#kc = kubeConfig;
    this.#node = node;
    this.#clock = clock;
  }

  /** The NAD, or undefined when it does not exist. */
  async networkAttachment(namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await kubeRequest<KubeObject>(this.#kc, {
        method: 'GET',
        path: `/apis/k8s.cni.cncf.io/v1/namespaces/${encodeURIComponent(namespace)}/network-attachment-definitions/${encodeURIComponent(name)}`,
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
        path: `${podPath(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '')}/status`,
        body: { status },
        patch: 'merge',
      }),
    );
  }

  async event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const namespace = pod.metadata.namespace ?? 'default';
    const now = new Date(this.#clock.now()).toISOString();
    await this.#ignoreGone(
      kubeRequest(this.#kc, {
        method: 'POST',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${pod.metadata.name ?? ''}.${randomBytes(8).toString('hex')}`, namespace },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: pod.metadata.name,
            namespace,
            ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
          },
          type,
          reason,
          message,
          source: { component: 'kubelet', host: this.#node },
          reportingComponent: 'kubelet',
          reportingInstance: this.#node,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      }),
    );
  }

  /** Deletes the pod now (grace period 0), only if it is still the same object (uid). */
  async deletePod(pod: KubeObject): Promise<void> {
    await this.#ignoreGone(
      kubeRequest(this.#kc, {
        method: 'DELETE',
        path: podPath(pod.metadata.namespace ?? 'default', pod.metadata.name ?? ''),
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
