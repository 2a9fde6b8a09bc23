/**
 * The lab's Node objects, as a kind cluster made by Kube-OVN's tooling would show them: labels
 * `kubernetes.io/hostname`, `kubernetes.io/os: linux`, `kubernetes.io/arch`, the control-plane role on the first node,
 * the node's underlay address as `InternalIP`, and a `Ready` condition the lab keeps current. Pure builders; the lab
 * daemon writes them.
 */
import type { KubeObject } from '../api/types.ts';

export const CONTROL_PLANE_ROLE = 'node-role.kubernetes.io/control-plane';

export interface LabNodeInfo {
  name: string;
  /** The node's underlay (encap) address. */
  internalIp: string;
  controlPlane: boolean;
}

export function nodeObject(info: LabNodeInfo, now: Date): KubeObject {
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: info.name,
      labels: {
        'kubernetes.io/hostname': info.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': process.arch === 'arm64' ? 'arm64' : 'amd64',
        'beta.kubernetes.io/os': 'linux',
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
      architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
      kubeletVersion: 'v1.32.0-kovn',
      containerRuntimeVersion: 'kovn-lab://netns',
    },
  };
}
