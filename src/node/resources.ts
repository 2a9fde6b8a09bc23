/**
 * Where the node side finds the kinds it watches on any Kubernetes API server (the lab's or a real cluster's).
 */
import type { ResourceRef } from '../kube/paths.ts';

export const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod' };
export const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node' };
export const SUBNETS: ResourceRef = { group: 'kubeovn.io', version: 'v1', plural: 'subnets', kind: 'Subnet' };
