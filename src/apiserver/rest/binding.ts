/**
 * The `pods/binding` subresource, as kube-apiserver serves it to schedulers: `POST .../pods/NAME/binding` with a
 * `Binding` whose `target` names a Node sets the pod's `spec.nodeName` and its `PodScheduled=True` condition in one
 * write (one commit, one watch event), where a client without it needs a spec patch and then a status patch. The
 * same refusals as the reference: the pod must exist (404), must not be bound already or being deleted (409), and a
 * `metadata.uid` in the Binding must be the pod's (409). Answers a `Success` Status with code 201.
 */
import type { KubeObject } from '../../api/types.ts';
import { metaTime } from '../../util/time.ts';
import type { ServedResource } from '../resources/served.ts';
import { badRequest, conflict, notFound, rejection } from '../status.ts';
import type { Core } from './core.ts';
import { qualifiedOf } from './write.ts';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  [k: string]: unknown;
}

/** The node a Binding body names; 400/422 when the body is not a Binding with a target name. */
function targetOf(pod: string, body: unknown): { node: string; uid: string | undefined } {
  if (!isObject(body) || (body['kind'] !== undefined && body['kind'] !== 'Binding'))
    throw badRequest(`the body of a pods/binding request must be a Binding`);
  const target = isObject(body['target']) ? body['target'] : {};
  const node = typeof target['name'] === 'string' ? target['name'] : '';
  if (!node)
    throw rejection({ group: '', resource: 'bindings', kind: 'Binding' }, pod, [
      { field: 'target.name', type: 'FieldValueRequired', message: '' },
    ]);
  const meta = isObject(body['metadata']) ? body['metadata'] : {};
  return { node, uid: typeof meta['uid'] === 'string' && meta['uid'] ? meta['uid'] : undefined };
}

export function bindPod(
  core: Core,
  pods: ServedResource,
  namespace: string,
  name: string,
  body: unknown,
  options: { dryRun: boolean },
): { status: number; object: Record<string, unknown> } {
  const { node, uid } = targetOf(name, body);
  const q = qualifiedOf(pods);
  const pod = core.get(pods, namespace, name);
  if (!pod) throw notFound(q, name);
  if (uid !== undefined && uid !== pod.metadata.uid)
    throw conflict(
      q,
      name,
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ''}`,
    );
  if (pod.metadata.deletionTimestamp)
    throw conflict(q, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  const spec = isObject(pod['spec']) ? pod['spec'] : {};
  if (typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '')
    throw conflict(q, name, `pod ${name} is already assigned to node "${spec['nodeName']}"`);

  const next: KubeObject = structuredClone(pod);
  next['spec'] = { ...spec, nodeName: node };
  const status = isObject(pod['status']) ? pod['status'] : {};
  const conditions = (Array.isArray(status['conditions']) ? status['conditions'] : []) as PodCondition[];
  const scheduled: PodCondition = {
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: metaTime(core.clock.now()),
  };
  next['status'] = {
    ...status,
    conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), scheduled],
  };
  next.metadata.generation = (pod.metadata.generation ?? 0) + 1;
  if (!options.dryRun) core.commit([{ type: 'MODIFIED', resource: pods.key, object: next, prev: pod }]);
  return {
    status: 201,
    object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
  };
}
