/**
 * What a NetworkAttachmentDefinition's `spec.config` says about the network it defines, as Kube-OVN's controller
 * reads it (`util.IsOvnNetwork`): an OVN network when the config, or any plugin of a config list, is of our CNI
 * `type` (`kube-ovn`, or kovn's own name for it, `kovn`). Its pods' NICs then get a Logical_Switch_Port on the subnet of provider `<nad>.<ns>.ovn`;
 * any other NAD (macvlan with our IPAM, say) gets only an address, for provider `<nad>.<ns>`. Pure.
 */
import { isCniType, OVN_PROVIDER } from './constants.ts';
import type { KubeObject } from './types.ts';

/** Is the NAD's `spec.config` an OVN network (our plugin, alone or in a list)? Unreadable config: no. */
export function isOvnNetworkConfig(config: unknown): boolean {
  if (typeof config !== 'string') return false;
  let doc: unknown;
  try {
    doc = JSON.parse(config);
  } catch {
    return false;
  }
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as { type?: unknown; plugins?: unknown };
  if (isCniType(d.type)) return true;
  return Array.isArray(d.plugins) && d.plugins.some((p) => isCniType((p as { type?: unknown } | null)?.type));
}

/** Finds a NetworkAttachmentDefinition by namespace and name (a cache read). */
export type NadLookup = (namespace: string, name: string) => KubeObject | undefined;

/** The provider of attachment `<namespace>/<name>`: `<name>.<namespace>.ovn` for an OVN network, else `<name>.<namespace>`. */
export function attachmentProvider(namespace: string, name: string, nads: NadLookup | undefined): string {
  const nad = nads?.(namespace, name);
  const ovn = isOvnNetworkConfig((nad?.['spec'] as { config?: unknown } | undefined)?.config);
  return ovn ? `${name}.${namespace}.${OVN_PROVIDER}` : `${name}.${namespace}`;
}
