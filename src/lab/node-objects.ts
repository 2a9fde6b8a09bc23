/**
 * The lab's Node objects, as the kind cluster Kube-OVN's docs and tests use shows them, so that manifests written for
 * it schedule the same way. `make kind-init` builds that cluster from yamls/kind.yaml.j2: one control plane and one
 * worker, both labelled `type: kind`, with kubelet's `kubernetes.io/{hostname,os,arch}` and
 * `beta.kubernetes.io/{os,arch}` labels; kind taints the control plane `node-role.kubernetes.io/control-plane:
 * NoSchedule` and `make kind-install` removes that taint again (`kind-untaint-control-plane`), so pods land on
 * kube-ovn-control-plane too: the lab's nodes carry no taint, and the control plane keeps its role label for
 * selectors. The status has the node's underlay address as `InternalIP` and a `Ready` condition the lab keeps
 * current. Pure builders; the lab daemon writes them.
 */
import { metaTime } from '../util/time.ts';
import type { Node } from './scheduler/types.ts';

export const CONTROL_PLANE_ROLE = 'node-role.kubernetes.io/control-plane';
const ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';

export interface LabNodeInfo {
  name: string;
  /** The node's underlay (encap) address. */
  internalIp: string;
  controlPlane: boolean;
}

export function nodeObject(info: LabNodeInfo, now: number): Node {
  const at = metaTime(now);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: info.name,
      labels: {
        'kubernetes.io/hostname': info.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': ARCH,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': ARCH,
        type: 'kind',
        ...(info.controlPlane ? { [CONTROL_PLANE_ROLE]: '' } : {}),
      },
    },
    spec: {},
    status: nodeStatus(info, at),
  };
}

export function nodeStatus(info: LabNodeInfo, at: string): Record<string, unknown> {
  return {
    addresses: [
      { type: 'InternalIP', address: info.internalIp },
      { type: 'Hostname', address: info.name },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kovn lab node is ready (ovs-vswitchd, ovn-controller and the node agent are running)',
        lastHeartbeatTime: at,
        lastTransitionTime: at,
      },
    ],
    nodeInfo: {
      operatingSystem: 'linux',
      architecture: ARCH,
      kubeletVersion: 'v1.32.0-kovn',
      containerRuntimeVersion: 'kovn-lab://netns',
    },
  };
}
