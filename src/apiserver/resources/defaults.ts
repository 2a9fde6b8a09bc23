/**
 * Create-time defaults of built-in kinds, as kube-apiserver's defaulting and registry strategies set them: Pod
 * phase Pending and QoS class, Service type and cluster IP (cluster-ip.ts), Namespace finalizer and name label,
 * workload replicas.
 */
import type { KubeObject } from '../../api/types.ts';
import type { Cidr } from '../../net/ip.ts';
import { rejection } from '../status.ts';
import { allocateClusterIp } from './cluster-ip.ts';
import { invalid } from '../../api/issues.ts';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function objectAt(o: KubeObject, field: string): Record<string, unknown> {
  const v = o[field];
  if (isRecord(v)) return v;
  const fresh: Record<string, unknown> = {};
  o[field] = fresh;
  return fresh;
}

/** The objects of a list field (defaults run before the schema check: other items are left for it to refuse). */
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

export function preparePod(pod: KubeObject): void {
  const spec = objectAt(pod, 'spec');
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  const hasResources = records(spec.containers).some(
    (c) => isRecord(c.resources) && Object.keys(c.resources).length > 0,
  );
  pod['status'] = { phase: 'Pending', qosClass: hasResources ? 'Burstable' : 'BestEffort' };
}

/** Service type, port and affinity defaults, and the cluster IP (cluster-ip.ts); a bad or taken IP throws 422. */
export function prepareService(svc: KubeObject, context: { list(): KubeObject[] }, serviceCidr: Cidr): void {
  const spec = objectAt(svc, 'spec');
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const port of records(spec.ports)) {
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
  if (spec.type === 'ExternalName') return;
  if (spec.clusterIP !== 'None') {
    const used = new Set(
      context.list().map((s) => {
        const ip = (s['spec'] as { clusterIP?: unknown } | undefined)?.clusterIP;
        return typeof ip === 'string' ? ip : '';
      }),
    );
    const requested =
      typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? spec.clusterIP : undefined;
    const outcome = allocateClusterIp(serviceCidr, used, requested);
    if (!outcome.ok) {
      throw rejection({ group: '', resource: 'services', kind: 'Service' }, svc.metadata.name ?? '', [
        outcome.issue,
      ]);
    }
    spec.clusterIP = outcome.ip;
  }
  spec.clusterIPs ??= [spec.clusterIP];
  if (spec.clusterIP !== 'None') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
}

/**
 * On update a Service keeps its cluster IP: an update that leaves it out gets the stored one (as kube-apiserver fills
 * in allocated values), one that changes it is refused (`may not change once set`), except to or from ExternalName.
 */
export function prepareServiceUpdate(svc: KubeObject, old: KubeObject): void {
  const spec = objectAt(svc, 'spec');
  const before = (old['spec'] ?? {}) as Record<string, unknown>;
  if (spec.type === 'ExternalName' || before['type'] === 'ExternalName') return;
  const was = before['clusterIP'];
  if (typeof was !== 'string' || was === '') return;
  if (spec.clusterIP === undefined || spec.clusterIP === '') {
    spec.clusterIP = was;
    for (const key of ['clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
      if (spec[key] === undefined && before[key] !== undefined) spec[key] = before[key];
    }
    return;
  }
  if (spec.clusterIP !== was) {
    throw rejection({ group: '', resource: 'services', kind: 'Service' }, svc.metadata.name ?? '', [
      invalid('spec.clusterIPs[0]', spec.clusterIP, 'may not change once set'),
    ]);
  }
}

export function prepareNamespace(ns: KubeObject): void {
  objectAt(ns, 'spec').finalizers = ['kubernetes'];
  ns['status'] = { phase: 'Active' };
  ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
}

export function prepareWorkload(w: KubeObject): void {
  objectAt(w, 'spec').replicas ??= 1;
  w['status'] = {};
}

/** A Secret's type defaults to Opaque; `stringData` is merged into `data` (base64), as kube-apiserver converts it. */
export function prepareSecret(secret: KubeObject): void {
  secret['type'] ??= 'Opaque';
  const stringData = secret['stringData'];
  if (stringData !== null && typeof stringData === 'object') {
    const data = { ...((secret['data'] ?? {}) as Record<string, unknown>) };
    for (const [k, v] of Object.entries(stringData as Record<string, unknown>))
      data[k] = Buffer.from(String(v)).toString('base64');
    secret['data'] = data;
  }
  delete secret['stringData'];
}
