/**
 * The workloads `kovn install` renders: the controller Deployment (2 replicas, one leader on its Lease, liveness and
 * readiness on `/healthz`, requests, spread over nodes) and the node DaemonSet (host network, privileged, every
 * taint tolerated; an init container that installs the CNI plugin on the host and, in `primary` mode, writes the
 * conflist; the node agent; with kovn's own OVN, ovsdb-server/ovs-vswitchd and ovn-controller beside it). Every
 * container runs the one image (deploy/image/Containerfile) with kovn in /opt/kovn. Pure.
 */
import type { KubeObject } from '../api/types.ts';
import { centralNbRemotes } from './ovn-central.ts';
import type { InstallOptions } from './options.ts';
import { CONTROLLER, NODE } from './rbac.ts';

export const KOVN_DIR = '/opt/kovn';
export const NODE_BIN = `${KOVN_DIR}/node_modules/.bin/node`;
const SCRIPTS = `${KOVN_DIR}/deploy/image`;
/** Kube-OVN's ports: the controller's metrics/health, the CNI daemon's. */
export const CONTROLLER_PORT = 10660;
export const NODE_AGENT_PORT = 10665;
/** Kube-OVN's CNI server socket. */
export const AGENT_SOCKET = '/run/openvswitch/kube-ovn-daemon.sock';

const labels = (app: string) => ({ app, 'app.kubernetes.io/part-of': 'kovn', component: 'network' });
const hostPath = (name: string, path: string, type = 'DirectoryOrCreate') => ({
  name,
  hostPath: { path, type },
});
const mount = (name: string, mountPath: string, extra: Record<string, unknown> = {}) => ({
  name,
  mountPath,
  ...extra,
});
const env = (name: string, value: string) => ({ name, value });
const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/** The NB and SB the components use: the given ones, or kovn's ovn-central Services. */
export function ovnAddresses(o: InstallOptions): { nb: string; sb: string } {
  if (o.ovnNbAddr) return { nb: o.ovnNbAddr, sb: o.ovnSbAddr ?? '' };
  return { nb: centralNbRemotes(o), sb: `tcp:ovn-sb.${o.namespace}.svc.cluster.local:6642` };
}

const healthProbe = (port: number, host?: string) => ({
  httpGet: { path: '/healthz', port, ...(host ? { host } : {}) },
  periodSeconds: 10,
  timeoutSeconds: 3,
  failureThreshold: 3,
});

export function controllerDeployment(o: InstallOptions): KubeObject {
  const { nb } = ovnAddresses(o);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kovn-controller', namespace: o.namespace, labels: labels('kovn-controller') },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'kovn-controller' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        metadata: { labels: labels('kovn-controller') },
        spec: {
          serviceAccountName: CONTROLLER.serviceAccount,
          priorityClassName: 'system-cluster-critical',
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { app: 'kovn-controller' } },
            },
          ],
          tolerations: [
            { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'kovn-controller',
              image: o.image,
              command: [`${KOVN_DIR}/bin/kovn`, 'controller'],
              args: [
                '--ovn-nb-addr=$(OVN_NB_ADDR)',
                `--lease-namespace=${o.namespace}`,
                '--identity=$(POD_NAME)',
                `--metrics-addr=0.0.0.0:${CONTROLLER_PORT}`,
                ...(o.mode === 'secondary' ? ['--non-primary-cni-mode=true'] : []),
              ],
              env: [
                env('OVN_NB_ADDR', nb),
                fieldEnv('POD_NAME', 'metadata.name'),
                fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
              ],
              ports: [{ name: 'metrics', containerPort: CONTROLLER_PORT }],
              livenessProbe: healthProbe(CONTROLLER_PORT),
              readinessProbe: healthProbe(CONTROLLER_PORT),
              resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                runAsUser: 65534,
              },
            },
          ],
        },
      },
    },
  };
}

function ovsContainers(o: InstallOptions): unknown[] {
  const { sb } = ovnAddresses(o);
  const runMounts = [mount('run-openvswitch', '/run/openvswitch'), mount('run-ovn', '/run/ovn')];
  return [
    {
      name: 'openvswitch',
      image: o.image,
      command: [`${SCRIPTS}/start-ovs.sh`],
      securityContext: { privileged: true },
      volumeMounts: [
        ...runMounts,
        mount('etc-openvswitch', '/etc/openvswitch'),
        mount('lib-modules', '/lib/modules', { readOnly: true }),
      ],
      resources: { requests: { cpu: '200m', memory: '300Mi' } },
    },
    {
      name: 'ovn-controller',
      image: o.image,
      command: [`${SCRIPTS}/start-ovn-controller.sh`],
      env: [
        env('OVN_SB_ADDR', sb),
        fieldEnv('KUBE_NODE_NAME', 'spec.nodeName'),
        fieldEnv('NODE_IP', 'status.hostIP'),
      ],
      securityContext: { privileged: true },
      volumeMounts: runMounts,
      resources: { requests: { cpu: '100m', memory: '200Mi' } },
    },
  ];
}

export function nodeDaemonSet(o: InstallOptions): KubeObject {
  const ownOvn = o.ovnNbAddr === undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kovn-node', namespace: o.namespace, labels: labels('kovn-node') },
    spec: {
      selector: { matchLabels: { app: 'kovn-node' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: labels('kovn-node') },
        spec: {
          serviceAccountName: NODE.serviceAccount,
          hostNetwork: true,
          hostPID: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          priorityClassName: 'system-node-critical',
          tolerations: [{ operator: 'Exists' }],
          initContainers: [
            {
              name: 'install-cni',
              image: o.image,
              command: [`${SCRIPTS}/install-cni.sh`],
              env: [env('KOVN_CNI_MODE', o.mode), env('KOVN_CNI_SOCKET', AGENT_SOCKET)],
              securityContext: { privileged: true },
              volumeMounts: [
                mount('cni-bin', '/opt/cni/bin'),
                mount('cni-conf', '/etc/cni/net.d'),
                mount('host-kovn', '/host/opt/kovn'),
              ],
            },
          ],
          containers: [
            {
              name: 'kovn-node',
              image: o.image,
              command: [NODE_BIN, `${KOVN_DIR}/src/node/agent/main.ts`],
              args: [
                '--node=$(KUBE_NODE_NAME)',
                '--ovs-rundir=/run/openvswitch',
                `--socket=${AGENT_SOCKET}`,
                `--metrics-addr=127.0.0.1:${NODE_AGENT_PORT}`,
                ...(o.mode === 'primary' ? ['--enable-tproxy=true'] : []),
              ],
              env: [fieldEnv('KUBE_NODE_NAME', 'spec.nodeName'), fieldEnv('POD_IP', 'status.podIP')],
              securityContext: { privileged: true },
              livenessProbe: healthProbe(NODE_AGENT_PORT, '127.0.0.1'),
              readinessProbe: healthProbe(NODE_AGENT_PORT, '127.0.0.1'),
              resources: { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [
                mount('run-openvswitch', '/run/openvswitch'),
                mount('run-ovn', '/run/ovn'),
                mount('netns', '/var/run/netns', { mountPropagation: 'HostToContainer' }),
                mount('lib-modules', '/lib/modules', { readOnly: true }),
              ],
            },
            ...(ownOvn ? ovsContainers(o) : []),
          ],
          volumes: [
            hostPath('run-openvswitch', '/run/openvswitch'),
            hostPath('run-ovn', '/run/ovn'),
            hostPath('etc-openvswitch', '/etc/origin/openvswitch'),
            hostPath('netns', '/var/run/netns'),
            hostPath('lib-modules', '/lib/modules', 'Directory'),
            hostPath('cni-bin', '/opt/cni/bin'),
            hostPath('cni-conf', '/etc/cni/net.d'),
            hostPath('host-kovn', '/opt/kovn'),
          ],
        },
      },
    },
  };
}
