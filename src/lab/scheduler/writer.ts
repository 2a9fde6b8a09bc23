/**
 * What the scheduler writes to the API server, as kube-scheduler does: the binding (the `pods/binding`
 * subresource; servers without it, such as kovn's embedded one, get a merge patch of spec.nodeName conditioned on
 * the pod's resourceVersion, then the PodScheduled=True condition on status), the PodScheduled=False/Unschedulable
 * condition with the FitError message, and core/v1 Events (`Scheduled`, `FailedScheduling`, src/kube/events.ts).
 * Writes that would not change the pod's condition are skipped, so re-evaluating a pending pod costs nothing.
 */
import type { KubeClient } from '../../kube/client.ts';
import { isNotFound, isPathNotServed } from '../../kube/errors.ts';
import { EventRecorder, podInvolved } from '../../kube/events.ts';
import { objectPath } from '../../kube/resources.ts';
import type { Clock } from '../../util/clock.ts';
import { metaTime } from '../../util/time.ts';
import type { Pod, PodCondition } from './types.ts';

export type BindOutcome = 'bound' | 'gone';

export interface SchedulerWriter {
  /** Binds the pod to the node; 'gone' when the pod no longer exists. */
  bind(pod: Pod, node: string): Promise<BindOutcome>;
  /** Records that the pod fits nowhere (condition, and an Event when the reason is new). */
  unschedulable(pod: Pod, message: string): Promise<void>;
}

const podPath = (pod: Pod, subresource?: string): string =>
  objectPath('Pod', pod.metadata.name ?? '', pod.metadata.namespace, subresource);

export function podScheduledCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
}

export class ApiSchedulerWriter implements SchedulerWriter {
  readonly #client: KubeClient;
  readonly #clock: Clock;
  readonly #events: EventRecorder;
  /** Whether the server serves pods/binding (undefined until the first bind). */
  #bindingServed: boolean | undefined;

  constructor(options: { client: KubeClient; clock: Clock; schedulerName: string }) {
    this.#client = options.client;
    this.#clock = options.clock;
    const component = options.schedulerName;
    this.#events = new EventRecorder({
      source: { component, instance: `${component}-kovn`, precision: 's' },
      clock: options.clock,
      send: (request) => options.client.request(request),
    });
  }

  /** The `Scheduled` Event is sent without waiting for it (as client-go's broadcaster does), so a worker is free for
   * the next pod after one write. */
  async bind(pod: Pod, node: string): Promise<BindOutcome> {
    const outcome = (await this.#postBinding(pod, node)) ?? (await this.#patchNodeName(pod, node));
    if (outcome === 'bound') {
      const name = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
      void this.#event(pod, 'Normal', 'Scheduled', `Successfully assigned ${name} to ${node}`);
    }
    return outcome;
  }

  async unschedulable(pod: Pod, message: string): Promise<void> {
    const current = podScheduledCondition(pod);
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message)
      return;
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime:
        current?.status === 'False' ? (current.lastTransitionTime ?? this.#now()) : this.#now(),
    };
    try {
      await this.#patchStatus(pod, condition);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    await this.#event(pod, 'Warning', 'FailedScheduling', message);
  }

  /** undefined: the server has no binding subresource, patch instead. */
  async #postBinding(pod: Pod, node: string): Promise<BindOutcome | undefined> {
    if (this.#bindingServed === false) return undefined;
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    try {
      await this.#client.request({ method: 'POST', path: podPath(pod, 'binding'), body: binding });
      this.#bindingServed = true;
      return 'bound';
    } catch (err) {
      if (this.#bindingServed === undefined && isPathNotServed(err)) {
        this.#bindingServed = false;
        return undefined;
      }
      if (isNotFound(err)) return 'gone';
      throw err;
    }
  }

  async #patchNodeName(pod: Pod, node: string): Promise<BindOutcome> {
    const patch = { metadata: { resourceVersion: pod.metadata.resourceVersion }, spec: { nodeName: node } };
    try {
      await this.#client.request({
        method: 'PATCH',
        path: podPath(pod),
        body: patch,
        patch: 'merge',
      });
      const scheduled: PodCondition = {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: this.#now(),
      };
      await this.#patchStatus(pod, scheduled);
      return 'bound';
    } catch (err) {
      if (isNotFound(err)) return 'gone';
      throw err;
    }
  }

  #patchStatus(pod: Pod, condition: PodCondition): Promise<unknown> {
    return this.#client.request({
      method: 'PATCH',
      path: podPath(pod, 'status'),
      body: { status: { conditions: [condition] } },
      patch: 'strategic',
    });
  }

  async #event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await this.#events
      .record(podInvolved(pod, { resourceVersion: true }), { type, reason, message })
      .catch(() => {
        // Events are best effort, as in client-go's recorder.
      });
  }

  #now(): string {
    return metaTime(this.#clock.now());
  }
}
