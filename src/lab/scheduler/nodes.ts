/**
 * The Node objects a lab should register so that manifests written for Kube-OVN's kind cluster schedule the same
 * way. Kube-OVN's `make kind-init` builds the cluster from yamls/kind.yaml.j2 (one control-plane and one worker, both
 * labelled `type: kind`); kind taints the control plane `node-role.kubernetes.io/control-plane:NoSchedule`, and
 * `make kind-install` then runs `kind-untaint-control-plane`, which removes that taint. So on the cluster Kube-OVN's
 * docs and tests use, pods land on kube-ovn-control-plane too: the lab's nodes carry no taint, and the control plane
 * keeps its role label (`node-role.kubernetes.io/control-plane: ""`) for selectors. Pure.
 */
import { DEFAULT_NODES } from '../layout.ts';
import type { Node } from './types.ts';

export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** A kind-like Node: hostname/os/arch labels, `type: kind`, the control-plane role on the first node; no taints. */
export function labNode(name: string, controlPlane = name === DEFAULT_NODES[0]): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        type: 'kind',
        ...(controlPlane ? { [CONTROL_PLANE_LABEL]: '' } : {}),
      },
    },
    spec: {},
  };
}
