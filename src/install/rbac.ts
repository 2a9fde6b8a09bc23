/**
 * The ServiceAccounts and least-privilege RBAC `kovn install` renders: for each component, the verbs on the
 * resources its code uses, and nothing else (no `*`, no Secrets, no `pods/exec`). Cluster-wide reads and writes go in
 * a ClusterRole; what only happens in the install namespace (the controller's Lease, the gateway agent's patch of its
 * own pod's report) in a Role there.
 *   - kovn-controller: every kubeovn.io kind (it creates the default VPC and subnets, the pods' IP objects and the
 *     VpcDns SwitchLBRules; status and finalizers on all; it removes VpcDns objects when vpc-dns is switched off),
 *     pods/namespaces/nodes annotations, the NAT gateways' StatefulSets, the VpcDns Deployments, the Services and
 *     Endpoints of SwitchLBRules, NetworkPolicies, the NADs of secondary networks, ConfigMaps (ovn-vpc-nat-config,
 *     the Corefile), Events, its leader Lease.
 *   - kovn-node: the pods on its node, its Node, the Subnets (natOutgoing, TProxy).
 *   - vpc-nat-gw: the gateways, EIPs, DNAT/SNAT/FIP rules, Subnets and pods it programs; patches its own pod; reads
 *     the ConfigMaps of the install namespace (ovn-vpc-nat-config's natBackend).
 *   - vpc-dns: what CoreDNS's kubernetes plugin reads (Kube-OVN's vpc-dns ServiceAccount).
 */
import type { KubeObject } from '../api/types.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = [...READ, 'create', 'update', 'patch', 'delete'];
const KUBEOVN = 'kubeovn.io';
const NAT_KINDS = [
  'vpc-nat-gateways',
  'iptables-eips',
  'iptables-dnat-rules',
  'iptables-snat-rules',
  'iptables-fip-rules',
];

export interface Component {
  serviceAccount: string;
  cluster: PolicyRule[];
  /** Rules in the install namespace only. */
  namespaced: PolicyRule[];
}

export const CONTROLLER: Component = {
  serviceAccount: 'kovn-controller',
  cluster: [
    { apiGroups: [KUBEOVN], resources: ['vpcs', 'subnets'], verbs: [...READ, 'create', 'update', 'patch'] },
    { apiGroups: [KUBEOVN], resources: ['ips', 'switch-lb-rules'], verbs: WRITE },
    { apiGroups: [KUBEOVN], resources: NAT_KINDS, verbs: [...READ, 'update', 'patch'] },
    // A VpcDns is removed when vpc-dns is switched off (vpc-dns/lifecycle.ts, as Kube-OVN).
    { apiGroups: [KUBEOVN], resources: ['vpc-dnses'], verbs: [...READ, 'update', 'patch', 'delete'] },
    {
      apiGroups: [KUBEOVN],
      resources: ['vpcs', 'subnets', 'ips', 'switch-lb-rules', ...NAT_KINDS, 'vpc-dnses'].map(
        (r) => `${r}/status`,
      ),
      verbs: ['get', 'update', 'patch'],
    },
    { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: [...READ, 'patch', 'update'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: READ },
    // A SwitchLBRule's Service and Endpoints are the controller's (services/slr-render.ts).
    { apiGroups: [''], resources: ['services', 'endpoints'], verbs: WRITE },
    { apiGroups: ['apps'], resources: ['statefulsets', 'deployments'], verbs: WRITE },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
    {
      apiGroups: ['k8s.cni.cncf.io'],
      resources: ['network-attachment-definitions'],
      verbs: [...READ, 'create'],
    },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
  ],
  namespaced: [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  ],
};

export const NODE: Component = {
  serviceAccount: 'kovn-node',
  cluster: [
    { apiGroups: [''], resources: ['pods', 'nodes'], verbs: READ },
    { apiGroups: [KUBEOVN], resources: ['subnets'], verbs: READ },
  ],
  namespaced: [],
};

export const NAT_GATEWAY: Component = {
  serviceAccount: 'vpc-nat-gw',
  cluster: [
    { apiGroups: [KUBEOVN], resources: [...NAT_KINDS, 'subnets'], verbs: READ },
    { apiGroups: [''], resources: ['pods'], verbs: READ },
  ],
  namespaced: [
    { apiGroups: [''], resources: ['pods'], verbs: ['patch'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: READ },
  ],
};

export const VPC_DNS: Component = {
  serviceAccount: 'vpc-dns',
  cluster: [
    { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
  ],
  namespaced: [],
};

export const COMPONENTS = [CONTROLLER, NODE, NAT_GATEWAY, VPC_DNS] as const;

const RBAC = 'rbac.authorization.k8s.io/v1';
const LABELS = { 'app.kubernetes.io/part-of': 'kovn' };

/** ServiceAccount, ClusterRole and binding, Role and binding (when it has namespaced rules) of one component. */
export function rbacObjects(c: Component, namespace: string): KubeObject[] {
  const name = c.serviceAccount;
  const subject = [{ kind: 'ServiceAccount', name, namespace }];
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels: LABELS } },
    {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: `system:${name}`, labels: LABELS },
      rules: c.cluster,
    },
    {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: `system:${name}`, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `system:${name}` },
      subjects: subject,
    },
  ];
  if (c.namespaced.length) {
    objects.push(
      { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace, labels: LABELS }, rules: c.namespaced },
      {
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: { name, namespace, labels: LABELS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: subject,
      },
    );
  }
  return objects;
}
