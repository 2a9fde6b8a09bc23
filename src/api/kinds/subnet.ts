/**
 * Subnet admission: defaults as Kube-OVN writes them back, then validation. What Kube-OVN's ValidateSubnet refuses is
 * a 403, as its webhook denies it (pkg/webhook/subnet.go SubnetCreateHook/SubnetUpdateHook: ctrlwebhook.Denied).
 */
import { denied } from '../issues.ts';
import type { KindAdmission } from '../types.ts';
import { validateSubnetAcls } from './subnet-acls.ts';
import { defaultSubnet } from './subnet-defaults.ts';
import type { Subnet } from './subnet-schema.ts';
import { validateSubnetAgainstCluster, validateSubnetDelete, validateSubnetSpec } from './subnet-validate.ts';

export * from './subnet-schema.ts';

export const subnetAdmission: KindAdmission<Subnet> = {
  default: defaultSubnet,
  validate({ operation, object, oldObject, view }) {
    if (operation === 'DELETE') return oldObject ? validateSubnetDelete(oldObject, view) : [];
    if (!object) return [];
    const own = validateSubnetSpec(object).map(denied);
    // kovn's own rules on spec.acls (422, not Kube-OVN's 403: its webhook does not check them; subnet-acls.ts)
    const acls = validateSubnetAcls(object.spec?.acls);
    return [...own, ...acls, ...validateSubnetAgainstCluster(operation, object, oldObject, view)];
  },
};
