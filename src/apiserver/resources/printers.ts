/**
 * Computed table cells for built-in kinds, following kube-apiserver's printers (pkg/printers/internalversion):
 * a Pod's READY/STATUS/RESTARTS, a Service's PORT(S), a Node's STATUS/ROLES, and so on.
 */
import type { KubeObject } from '../../api/types.ts';

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

export function podReady(pod: KubeObject): string {
  const containers = arr(obj(pod['spec']).containers);
  const statuses = arr(obj(pod['status']).containerStatuses);
  return `${statuses.filter((s) => s.ready === true).length}/${containers.length}`;
}

export function podRestarts(pod: KubeObject): number {
  return arr(obj(pod['status']).containerStatuses).reduce(
    (n, s) => n + (typeof s.restartCount === 'number' ? s.restartCount : 0),
    0,
  );
}

export function podStatus(pod: KubeObject): string {
  const status = obj(pod['status']);
  let reason = str(status.reason) || str(status.phase) || 'Pending';
  for (const s of arr(status.containerStatuses)) {
    const state = obj(s.state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    if (str(waiting.reason)) reason = str(waiting.reason);
    else if (str(terminated.reason)) reason = str(terminated.reason);
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

export function none(value: unknown): string {
  const s = Array.isArray(value) ? value.map(str).join(',') : str(value);
  return s === '' ? '<none>' : s;
}

export function servicePorts(svc: KubeObject): string {
  const ports = arr(obj(svc['spec']).ports);
  if (!ports.length) return '<none>';
  return ports
    .map((p) => {
      const protocol = str(p.protocol) || 'TCP';
      return p.nodePort ? `${str(p.port)}:${str(p.nodePort)}/${protocol}` : `${str(p.port)}/${protocol}`;
    })
    .join(',');
}

export function serviceExternalIp(svc: KubeObject): string {
  const spec = obj(svc['spec']);
  const ips = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(str) : [];
  if (str(spec.type) === 'ExternalName') return str(spec.externalName) || '<none>';
  if (str(spec.type) === 'LoadBalancer') {
    const ingress = arr(obj(obj(svc['status']).loadBalancer).ingress).map(
      (i) => str(i.ip) || str(i.hostname),
    );
    const all = [...ingress, ...ips];
    return all.length ? all.join(',') : '<pending>';
  }
  return ips.length ? ips.join(',') : '<none>';
}

export function selectorText(selector: unknown): string {
  const entries = Object.entries(obj(selector));
  return entries.length ? entries.map(([k, v]) => `${k}=${str(v)}`).join(',') : '<none>';
}

export function endpointsText(ep: KubeObject): string {
  const out: string[] = [];
  for (const subset of arr(ep['subsets'])) {
    const ports = arr(subset.ports);
    for (const addr of arr(subset.addresses)) {
      if (!ports.length) out.push(str(addr.ip));
      for (const p of ports) out.push(`${str(addr.ip)}:${str(p.port)}`);
    }
  }
  if (!out.length) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

export function countKeys(...values: unknown[]): number {
  return values.reduce<number>((n, v) => n + Object.keys(obj(v)).length, 0);
}

export function nodeStatus(node: KubeObject): string {
  const ready = arr(obj(node['status']).conditions).find((c) => c.type === 'Ready');
  let status =
    ready === undefined
      ? 'Unknown'
      : ready.status === 'True'
        ? 'Ready'
        : ready.status === 'False'
          ? 'NotReady'
          : 'Unknown';
  if (obj(node['spec']).unschedulable === true) status += ',SchedulingDisabled';
  return status;
}

export function nodeRoles(node: KubeObject): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  return roles.length ? roles.sort().join(',') : '<none>';
}

export function nodeAddress(node: KubeObject, type: string): string {
  return (
    (arr(obj(node['status']).addresses).find((a) => a.type === type)?.address as string | undefined) ??
    '<none>'
  );
}

export function workloadContainers(workload: KubeObject, field: 'name' | 'image'): string {
  return arr(obj(obj(obj(workload['spec']).template).spec).containers)
    .map((c) => str(c[field]))
    .join(',');
}

export function readyOf(workload: KubeObject): string {
  const status = obj(workload['status']);
  const replicas = obj(workload['spec']).replicas;
  return `${typeof status.readyReplicas === 'number' ? status.readyReplicas : 0}/${typeof replicas === 'number' ? replicas : 1}`;
}

export function eventObject(event: KubeObject): string {
  const io = obj(event['involvedObject']);
  return `${str(io.kind).toLowerCase()}/${str(io.name)}`;
}

export function eventLastSeen(event: KubeObject): string | undefined {
  const series = obj(event['series']);
  return (
    str(series.lastObservedTime) ||
    str(event['lastTimestamp']) ||
    str(event['eventTime']) ||
    event.metadata.creationTimestamp
  );
}

export function sliceEndpoints(slice: KubeObject): string {
  const addrs = arr(slice['endpoints']).flatMap((e) =>
    Array.isArray(e.addresses) ? e.addresses.map(str) : [],
  );
  if (!addrs.length) return '<unset>';
  return addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
}

export function slicePorts(slice: KubeObject): string {
  const ports = arr(slice['ports']).map((p) => str(p.port));
  return ports.length ? ports.join(',') : '<unset>';
}

export function bindingSubjects(binding: KubeObject, kind: string): string {
  return arr(binding['subjects'])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s.namespace)}/${str(s.name)}` : str(s.name)))
    .join(', ');
}
