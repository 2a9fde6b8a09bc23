/**
 * Which backend a gateway's rules go through (backends.ts), from the `natBackend` setting of ovn-vpc-nat-config
 * (api/kinds/configmaps.ts reads it): `iptables` or `nftables` as written; `auto` asks the gateway's namespace:
 * nftables when `nft` is there and the kernel takes kovn's (empty) table with its nat base chains in a check
 * transaction (`nft -c -f -`, which writes nothing), else iptables, for images and kernels that have only that.
 */
import type { NatBackendSetting } from '../api/kinds/configmaps.ts';
import type { BackendName, Run } from './backends.ts';
import { nftRuleSet, renderNftScript } from './nft-rules.ts';
import type { RenderOptions } from './rules.ts';

/** Does nft work here? A missing binary (the runner rejects) or a refusal both say no. */
export async function nftWorks(run: Run, o: RenderOptions): Promise<boolean> {
  try {
    const r = await run('nft', ['-c', '-f', '-'], renderNftScript(nftRuleSet([], o)));
    return r.code === 0;
  } catch {
    return false;
  }
}

export async function resolveBackend(
  setting: NatBackendSetting,
  run: Run,
  o: RenderOptions,
): Promise<BackendName> {
  if (setting !== 'auto') return setting;
  return (await nftWorks(run, o)) ? 'nftables' : 'iptables';
}
