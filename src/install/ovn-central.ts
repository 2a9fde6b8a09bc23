/**
 * kovn's own OVN central, when `kovn install` is not given an existing NB: a StatefulSet `ovn-central` running NB,
 * SB and ovn-northd from Debian's OVN packages (deploy/image/start-ovn-central.sh), 1 replica or 3 forming Raft
 * clusters of NB and SB as Kube-OVN runs them (members found by their stable names through the headless Service
 * `ovn-central`, one per node), and the Services `ovn-nb` (6641) and `ovn-sb` (6642) that the nodes'
 * ovn-controller and other clients use. With 3 replicas the controller is given every member, so it finds the NB
 * leader itself; a single member carries Kube-OVN's `ovn-nb-leader=true` label (with three, nothing labels the
 * leader yet, so `kovn nbctl` needs `--ovn-nb-addr`). Pure.
 */
import type { KubeObject } from '../api/types.ts';
import type { InstallOptions } from './options.ts';

const APP = 'ovn-central';
const labels = { app: APP, 'app.kubernetes.io/part-of': 'kovn', component: 'network' };

/** Each member's stable name: `ovn-central-N.ovn-central.NS.svc.cluster.local`. */
export function centralMembers(o: InstallOptions): string[] {
  return Array.from(
    { length: o.ovnCentralReplicas },
    (_, i) => `${APP}-${i}.${APP}.${o.namespace}.svc.cluster.local`,
  );
}

/** The controller's NB remotes: the ovn-nb Service for one member, every member for a Raft cluster. */
export function centralNbRemotes(o: InstallOptions): string {
  if (o.ovnCentralReplicas === 1) return `tcp:ovn-nb.${o.namespace}.svc.cluster.local:6641`;
  return centralMembers(o)
    .map((m) => `tcp:${m}:6641`)
    .join(',');
}

const service = (
  name: string,
  namespace: string,
  ports: { name: string; port: number }[],
  headless = false,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels },
  spec: {
    selector: { app: APP },
    ...(headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
    ports: ports.map((p) => ({ ...p, targetPort: p.port, protocol: 'TCP' })),
  },
});

export function ovnCentralObjects(o: InstallOptions): KubeObject[] {
  const ns = o.namespace;
  const volume = (name: string, path: string) => ({ name, hostPath: { path, type: 'DirectoryOrCreate' } });
  return [
    service(
      APP,
      ns,
      [
        { name: 'nb-raft', port: 6643 },
        { name: 'sb-raft', port: 6644 },
      ],
      true,
    ),
    service('ovn-nb', ns, [{ name: 'ovn-nb', port: 6641 }]),
    service('ovn-sb', ns, [{ name: 'ovn-sb', port: 6642 }]),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: APP, namespace: ns, labels },
      spec: {
        serviceName: APP,
        replicas: o.ovnCentralReplicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: APP } },
        template: {
          // One member is always the NB leader: Kube-OVN's label, which `kovn nbctl` looks for.
          metadata: { labels: o.ovnCentralReplicas === 1 ? { ...labels, 'ovn-nb-leader': 'true' } : labels },
          spec: {
            priorityClassName: 'system-cluster-critical',
            nodeSelector: { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' },
            tolerations: [{ operator: 'Exists' }],
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: { app: APP } }, topologyKey: 'kubernetes.io/hostname' },
                ],
              },
            },
            containers: [
              {
                name: APP,
                image: o.image,
                command: ['/opt/kovn/deploy/image/start-ovn-central.sh'],
                env: [
                  { name: 'OVN_CENTRAL_MEMBERS', value: centralMembers(o).join(',') },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                ],
                ports: [6641, 6642, 6643, 6644].map((containerPort) => ({ containerPort })),
                readinessProbe: {
                  exec: { command: ['/opt/kovn/deploy/image/start-ovn-central.sh', '--ready'] },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                },
                resources: { requests: { cpu: '300m', memory: '300Mi' }, limits: { memory: '2Gi' } },
                volumeMounts: [
                  { name: 'ovn-db', mountPath: '/etc/ovn' },
                  { name: 'run-ovn', mountPath: '/run/ovn' },
                ],
              },
            ],
            volumes: [volume('ovn-db', '/etc/origin/ovn'), volume('run-ovn', '/run/ovn-central')],
          },
        },
      },
    },
  ];
}
