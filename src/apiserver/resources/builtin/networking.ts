/**
 * networking.k8s.io/v1 NetworkPolicy (short name `netpol`): POD-SELECTOR as kube-apiserver prints it
 * (metav1.FormatLabelSelector, `<none>` for the empty selector that selects every pod). Its defaults and rules are the
 * shared admission's (api/kinds/network-policy-validate.ts); the controller enforces it
 * (controller/nb/network-policy.ts).
 */
import { formatSelector, type LabelSelector } from '../../../api/label-selector.ts';
import { nameColumn } from '../served.ts';
import { age, col, type BuiltinSpec } from './spec.ts';

export const networkPolicy: BuiltinSpec = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  shortNames: ['netpol'],
  namespaced: true,
  definitionPackage: 'io.k8s.api.networking',
  columns: [
    nameColumn(),
    col('Pod-Selector', (o) =>
      formatSelector((o['spec'] as { podSelector?: LabelSelector } | undefined)?.podSelector),
    ),
    age,
  ],
};
