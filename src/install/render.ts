/**
 * `kovn install`'s output: every document a cluster needs, in apply order (CRDs, then each component's
 * ServiceAccount and RBAC, kovn's own OVN central unless an existing NB is given, the controller, the node
 * DaemonSet), as one YAML stream. The CRDs are deploy/crds's (src/api/crd.ts). Pure.
 */
import { stringify } from 'yaml';
import { crdFor } from '../api/crd.ts';
import { kubeovnResourceTypes } from '../api/registry.ts';
import type { KubeObject } from '../api/types.ts';
import type { InstallOptions } from './options.ts';
import { ovnCentralObjects } from './ovn-central.ts';
import { COMPONENTS, rbacObjects } from './rbac.ts';
import { controllerDeployment, nodeDaemonSet } from './workloads.ts';

export function installObjects(o: InstallOptions): KubeObject[] {
  return [
    ...kubeovnResourceTypes.map((type) => crdFor(type) as unknown as KubeObject),
    ...COMPONENTS.flatMap((c) => rbacObjects(c, o.namespace)),
    ...(o.ovnNbAddr === undefined ? ovnCentralObjects(o) : []),
    controllerDeployment(o),
    nodeDaemonSet(o),
  ];
}

export function renderInstall(o: InstallOptions): string {
  const head = `# kovn ${o.mode} install (kovn install --mode ${o.mode}${o.ovnNbAddr ? ` --ovn-nb-addr ${o.ovnNbAddr}` : ''}); apply with kubectl apply -f -\n`;
  return (
    head +
    installObjects(o)
      .map((obj) => `---\n${stringify(obj, { lineWidth: 0 })}`)
      .join('')
  );
}
