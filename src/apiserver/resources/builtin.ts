/**
 * The built-in kinds the lab needs (core v1 incl. Secrets, apps/v1 incl. DaemonSets, discovery.k8s.io, networking.k8s.io, rbac (Role, ClusterRole and their bindings), coordination, apiextensions.k8s.io's
 * CustomResourceDefinitions, which take only metadata writes) and the NetworkAttachmentDefinition CRD, in the order discovery lists them:
 * permissive schemas (unknown fields preserved), printer columns as kube-apiserver prints them, field selectors,
 * strategic-merge keys and create-time defaults. Each kind's entry is in builtin/, one file per API group or larger
 * core kind; a Service's cluster IP range is the one option.
 */
import { DEFAULT_SERVICE_CIDR, parseServiceCidr } from './cluster-ip.ts';
import { prepareService, prepareServiceUpdate } from './defaults.ts';
import { nadType } from './nad.ts';
import { customResource, type ServedResource } from './served.ts';
import { customResourceDefinition } from './builtin/apiextensions.ts';
import { daemonSet, deployment, statefulSet } from './builtin/apps.ts';
import { lease } from './builtin/coordination.ts';
import { configMap, endpoints, namespace, secret, service, serviceAccount } from './builtin/core.ts';
import { endpointSlice } from './builtin/discovery.ts';
import { networkPolicy } from './builtin/networking.ts';
import { event } from './builtin/event.ts';
import { node } from './builtin/node.ts';
import { pod } from './builtin/pod.ts';
import { clusterRole, clusterRoleBinding, role, roleBinding } from './builtin/rbac.ts';
import { servedBuiltin, type BuiltinSpec } from './builtin/spec.ts';

const specs: BuiltinSpec[] = [
  namespace,
  pod,
  service,
  endpoints,
  configMap,
  secret,
  serviceAccount,
  node,
  event,
  deployment,
  statefulSet,
  daemonSet,
  endpointSlice,
  networkPolicy,
  role,
  clusterRole,
  roleBinding,
  clusterRoleBinding,
  lease,
  customResourceDefinition,
];

export interface BuiltinOptions {
  /** Where Service cluster IPs come from (default 10.96.0.0/12). */
  serviceCidr?: string;
}

export function builtinResources(options: BuiltinOptions = {}): ServedResource[] {
  const serviceCidr = parseServiceCidr(options.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  const served = specs.map(servedBuiltin);
  for (const r of served) {
    if (r.type.kind === 'Service') {
      r.prepareCreate = (o, context) => prepareService(o, context, serviceCidr);
      r.prepareUpdate = prepareServiceUpdate;
    }
  }
  return [...served, customResource(nadType, undefined)];
}
