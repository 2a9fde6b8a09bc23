/**
 * The NAT-gateway ConfigMaps every NAT resource depends on (`ovn-vpc-nat-config` with a non-empty `image`,
 * `ovn-vpc-nat-gw-config` with `enable-vpc-nat-gw: "true"`), and the shared rule that an EIP named by a rule exists.
 */
import {
  CONTROLLER_NAMESPACE,
  DEFAULT_NAT_GW_PREFIX,
  NAT_GW_CONFIG,
  NAT_GW_ENABLE_CONFIG,
} from '../constants.ts';
import { notFound, required, forbidden } from '../issues.ts';
import type { ClusterView, FieldIssue, KubeObject } from '../types.ts';

const data = (cm: KubeObject | undefined): Record<string, string> =>
  (cm?.['data'] as Record<string, string> | undefined) ?? {};

/** Issues when the NAT gateway feature is not configured; nothing when the view is partial and lacks the ConfigMaps. */
export function natFeatureIssues(view: ClusterView): FieldIssue[] {
  const config = view.get('ConfigMap', NAT_GW_CONFIG, CONTROLLER_NAMESPACE);
  const enable = view.get('ConfigMap', NAT_GW_ENABLE_CONFIG, CONTROLLER_NAMESPACE);
  const issues: FieldIssue[] = [];
  if (!config && !view.partial) {
    issues.push(
      forbidden(
        'metadata.name',
        `ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_CONFIG} is not configured; create it with an "image" key`,
      ),
    );
  } else if (config && !data(config)['image']) {
    issues.push(
      forbidden(
        'metadata.name',
        `parameter "image" in ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_CONFIG} cannot be empty`,
      ),
    );
  }
  if (!enable && !view.partial) {
    issues.push(
      forbidden(
        'metadata.name',
        `ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_ENABLE_CONFIG} is not configured; set enable-vpc-nat-gw: "true"`,
      ),
    );
  } else if (enable && data(enable)['enable-vpc-nat-gw'] !== 'true') {
    issues.push(
      forbidden(
        'metadata.name',
        `parameter "enable-vpc-nat-gw" in ConfigMap ${CONTROLLER_NAMESPACE}/${NAT_GW_ENABLE_CONFIG} is not "true"`,
      ),
    );
  }
  return issues;
}

/** The gateway workload name prefix (`natGwNamePrefix` in ovn-vpc-nat-config, default vpc-nat-gw). */
export const natGwPrefix = (view: ClusterView): string =>
  data(view.get('ConfigMap', NAT_GW_CONFIG, CONTROLLER_NAMESPACE))['natGwNamePrefix'] ||
  DEFAULT_NAT_GW_PREFIX;

/** The object a `field` names must exist (skipped on a partial view). */
export function mustExist(
  view: ClusterView,
  kind: string,
  name: string | undefined,
  field: string,
): FieldIssue[] {
  if (!name) return [required(field)];
  if (view.partial || view.get(kind, name)) return [];
  return [notFound(field, name, `${kind} ${name} not found`)];
}
