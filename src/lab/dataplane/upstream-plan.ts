/**
 * Which external networks the lab must emulate (pure): a Subnet with a non-OVN provider `<nad>.<ns>` whose
 * NetworkAttachmentDefinition `<ns>/<nad>` has a plugin with a `master` and `ipam.type: kube-ovn` (the seed's
 * macvlan `ovn-vpc-external-network`), and which namespaces made for earlier ones are no longer wanted. upstream.ts
 * makes and removes them.
 */
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../../api/types.ts';
import { isOvnProvider } from '../../api/constants.ts';
import { parseCidrBlock } from '../../net/cidr-block.ts';
import { confListOf } from '../kubelet/networks.ts';

export interface ExternalNetwork {
  subnet: string;
  /** `gateway/prefix` on the upstream bridge. */
  gatewayAddress: string;
  /** The IPv6 `gateway/prefix` on the bridge too, for a dual-stack Subnet (its IPv6 CIDR and IPv6 gateway). */
  gatewayAddress6?: string;
  master: string;
}

/** The external networks the objects describe (pure); a `master` claimed twice goes to the first subnet by name. */
export function externalNetworks(subnets: readonly Subnet[], nads: readonly KubeObject[]): ExternalNetwork[] {
  const out: ExternalNetwork[] = [];
  for (const s of [...subnets].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    const provider = s.spec?.provider ?? '';
    const block = parseCidrBlock(s.spec?.cidrBlock);
    const prefix = block.parts[0]?.cidr?.prefix;
    if (isOvnProvider(provider) || !s.spec?.gateway || prefix === undefined || s.metadata.deletionTimestamp)
      continue;
    const nad = nads.find((n) => `${n.metadata.name}.${n.metadata.namespace}` === provider);
    let master: string | undefined;
    try {
      const config = (nad?.['spec'] as { config?: string } | undefined)?.config ?? '';
      master = confListOf(config, nad?.metadata.name ?? '')
        .plugins.filter((p) => (p['ipam'] as { type?: string } | undefined)?.type === 'kube-ovn')
        .map((p) => p['master'])
        .find((m): m is string => typeof m === 'string' && /^[^\s/:]{1,15}$/.test(m));
    } catch {
      master = undefined;
    }
    if (!master || out.some((n) => n.master === master)) continue;
    const gateways = s.spec.gateway.split(',').map((g) => g.trim());
    const v6 = block.parts[0]?.cidr?.family === 4 ? block.v6?.cidr.prefix : undefined;
    const gateway6 = gateways.slice(1).find((g) => g.includes(':'));
    out.push({
      subnet: s.metadata.name ?? '',
      gatewayAddress: `${gateways[0]}/${prefix}`,
      ...(v6 !== undefined && gateway6 ? { gatewayAddress6: `${gateway6}/${v6}` } : {}),
      master,
    });
  }
  return out;
}

/** The upstream namespaces made (or adopted) so far, that are no longer wanted. Pure. */
export function unwantedNetns(
  made: Iterable<string>,
  want: readonly ExternalNetwork[],
  upstreamNetns: (subnet: string) => string,
): string[] {
  const wanted = new Set(want.map((n) => upstreamNetns(n.subnet)));
  return [...made].filter((netns) => !wanted.has(netns));
}
