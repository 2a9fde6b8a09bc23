/**
 * The one Event recorder of kovn's API writers (the controller as `kube-ovn-controller`, the lab's kubelet with its
 * node as host, the scheduler): a core/v1 Event about an involved object, built by a pure function from the
 * object's reference, the event (type, reason, message), the recording component and the injected clock's time,
 * then posted through whatever sends the writer's requests. How a failed post is treated is the writer's choice.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../api/types.ts';
import type { Clock } from '../util/clock.ts';
import { metaTime, milliTime } from '../util/time.ts';
import type { KubeRequest } from './client.ts';
import { kindCollectionPath } from './resources.ts';
import type { EventRecord } from './writer.ts';

/** The object an Event is about, as `involvedObject` carries it (fields left undefined are not written). */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
}

/** Who records: `source.component` and `reportingComponent`; a kubelet adds its node as `source.host`. */
export interface EventSource {
  component: string;
  host?: string;
  /** `reportingInstance`, when the component names one. */
  instance?: string;
  /** Timestamps to the millisecond (default) or, as metav1.Time marshals, to the second. */
  precision?: 'ms' | 's';
}

/** RFC 3339 time of `ms` since the epoch, to the millisecond or to the second. */
export function eventTime(ms: number, precision: 'ms' | 's' = 'ms'): string {
  return precision === 's' ? metaTime(ms) : milliTime(ms);
}

/** A pod's `involvedObject`, as the kubelet and the scheduler name it (the scheduler adds the version it saw). */
export function podInvolved(pod: KubeObject, options: { resourceVersion?: boolean } = {}): InvolvedObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    uid: pod.metadata.uid,
    ...(options.resourceVersion ? { resourceVersion: pod.metadata.resourceVersion } : {}),
  };
}

export type EventObject = KubeObject & { metadata: { name: string; namespace: string } };

/** The Event object, in the involved object's namespace (`default` for a cluster-scoped one). Pure. */
export function eventObject(
  involved: InvolvedObject,
  event: EventRecord,
  source: EventSource,
  at: { now: number; nameSuffix: string },
): EventObject {
  const time = eventTime(at.now, source.precision);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${involved.name}.${at.nameSuffix}`,
      namespace: involved.namespace ?? 'default',
    },
    involvedObject: definedOnly(involved),
    type: event.type,
    reason: event.reason,
    message: event.message,
    source: definedOnly({ component: source.component, host: source.host }),
    reportingComponent: source.component,
    ...(source.instance === undefined ? {} : { reportingInstance: source.instance }),
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}

export interface EventRecorderOptions {
  source: EventSource;
  clock: Clock;
  /** Sends one request (the writer's client); its failures reach the caller of `record`. */
  send: (request: KubeRequest) => Promise<unknown>;
}

export class EventRecorder {
  readonly #o: EventRecorderOptions;

  constructor(options: EventRecorderOptions) {
    this.#o = options;
  }

  async record(involved: InvolvedObject, event: EventRecord): Promise<void> {
    const body = eventObject(involved, event, this.#o.source, {
      now: this.#o.clock.now(),
      nameSuffix: randomBytes(8).toString('hex'),
    });
    await this.#o.send({
      method: 'POST',
      path: kindCollectionPath('Event', body.metadata.namespace),
      body,
    });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
