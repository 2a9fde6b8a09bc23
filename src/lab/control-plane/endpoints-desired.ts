/**
 * The Endpoints and EndpointSlices of a selector-based Service, as kube-controller-manager's endpoints and
 * endpointslice controllers derive them (pure): the pods of the Service's namespace that match its selector, have an
 * IP and are neither terminal nor being deleted; ready ones as `addresses`, the others as `notReadyAddresses`
 * (all ready with `publishNotReadyAddresses`); each service port's `targetPort` resolved per pod (a number as is, a
 * name through the pod's container ports, pods lacking that name skipped for that port), pods grouped into one subset
 * (and one slice, `<service>-<n>`) per resolved port set; a pod none of whose ports resolve is left out. Services without a selector are left to their owners. Both
 * kinds carry an owner reference to the Service, so the API server's garbage collector removes them with it.
 */
import { controllerReference, type KubeObject } from '../../api/types.ts';

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
}
interface ServiceSpec {
  selector?: Record<string, string>;
  type?: string;
  clusterIP?: string;
  ports?: ServicePort[];
  publishNotReadyAddresses?: boolean;
}
interface PodLike {
  metadata: KubeObject['metadata'];
  spec?: {
    nodeName?: string;
    containers?: { ports?: { name?: string; containerPort?: number; protocol?: string }[] }[];
  };
  status?: { phase?: string; podIP?: string; conditions?: { type?: string; status?: string }[] };
}
export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
}

export const SLICE_SERVICE_LABEL = 'kubernetes.io/service-name';
export const SLICE_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_MANAGER = 'endpointslice-controller.k8s.io';

/** Does the Service want Endpoints computed for it? */
export const managesEndpoints = (svc: KubeObject): boolean => {
  const spec = (svc['spec'] ?? {}) as ServiceSpec;
  return spec.type !== 'ExternalName' && !!spec.selector && Object.keys(spec.selector).length > 0;
};

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const isReady = (pod: PodLike): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

function resolvePorts(svcPorts: readonly ServicePort[], pod: PodLike): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svcPorts) {
    const protocol = sp.protocol ?? 'TCP';
    let port: number | undefined;
    if (typeof sp.targetPort === 'string') {
      for (const c of pod.spec?.containers ?? []) {
        const found = (c.ports ?? []).find(
          (p) => p.name === sp.targetPort && (p.protocol ?? 'TCP') === protocol,
        );
        if (found?.containerPort) port = found.containerPort;
      }
    } else port = sp.targetPort ?? sp.port;
    if (port) out.push({ name: sp.name ?? '', port, protocol });
  }
  return out;
}

interface Group {
  ports: EndpointPort[];
  pods: PodLike[];
}

function groups(svc: KubeObject, pods: readonly KubeObject[]): Group[] {
  const spec = (svc['spec'] ?? {}) as ServiceSpec;
  const selector = spec.selector ?? {};
  const byPorts = new Map<string, Group>();
  const candidates = (pods as unknown as PodLike[])
    .filter((p) => matches(selector, p.metadata.labels) && p.status?.podIP && !p.metadata.deletionTimestamp)
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const pod of candidates) {
    const ports = resolvePorts(spec.ports ?? [], pod);
    // a pod none of whose ports resolve serves nothing (a Service without ports takes every pod)
    if (spec.ports?.length && !ports.length) continue;
    const key = JSON.stringify(ports);
    const group = byPorts.get(key) ?? { ports, pods: [] };
    group.pods.push(pod);
    byPorts.set(key, group);
  }
  return [...byPorts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
}

const targetRef = (pod: PodLike) => ({
  kind: 'Pod',
  name: pod.metadata.name ?? '',
  namespace: pod.metadata.namespace ?? '',
  uid: pod.metadata.uid ?? '',
});

export function desiredEndpoints(svc: KubeObject, pods: readonly KubeObject[]): KubeObject {
  const publish = ((svc['spec'] ?? {}) as ServiceSpec).publishNotReadyAddresses === true;
  const address = (pod: PodLike) => ({
    ip: pod.status?.podIP ?? '',
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: targetRef(pod),
  });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name ?? '',
      namespace: svc.metadata.namespace ?? 'default',
      labels: { ...svc.metadata.labels },
      ownerReferences: [controllerReference('v1', 'Service', svc)],
    },
    subsets: groups(svc, pods).map((g) => ({
      addresses: g.pods.filter((p) => publish || isReady(p)).map(address),
      notReadyAddresses: g.pods.filter((p) => !publish && !isReady(p)).map(address),
      ports: g.ports,
    })),
  };
}

export function desiredSlices(svc: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const name = svc.metadata.name ?? '';
  const publish = ((svc['spec'] ?? {}) as ServiceSpec).publishNotReadyAddresses === true;
  return groups(svc, pods).map((g, i) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${name}-${i}`,
      namespace: svc.metadata.namespace ?? 'default',
      labels: { ...svc.metadata.labels, [SLICE_SERVICE_LABEL]: name, [SLICE_MANAGED_BY]: SLICE_MANAGER },
      ownerReferences: [controllerReference('v1', 'Service', svc)],
    },
    addressType: 'IPv4',
    endpoints: g.pods.map((pod) => ({
      addresses: [pod.status?.podIP ?? ''],
      conditions: { ready: publish || isReady(pod), serving: isReady(pod), terminating: false },
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: targetRef(pod),
    })),
    ports: g.ports,
  }));
}
