/**
 * Makes a node namespace's natOutgoing state what desired.ts says, per family, or removes it. Sets first, then the
 * chains (a rule may only name a set that exists); removal the other way round (a set in use cannot be destroyed).
 * Both through the node agent's helpers (../iptables.ts, ../ipset.ts), so converging twice writes nothing and a
 * restarted agent finds its chains, jump and sets and adds no second copy.
 */
import type { ProcessRunner } from '../../util/exec.ts';
import { applyOwnedChains, removeOwnedChains, type ChainChanges, type IpFamily } from '../iptables.ts';
import { applySets, removeSets } from '../ipset.ts';
import { FAMILIES, allSetNames, natChains, type NatOutgoingState } from './desired.ts';
import type { Netns } from '../agent/netns-path.ts';

export interface NatOutgoingChanges {
  /** Sets created, refilled or destroyed, by name. */
  sets: string[];
  chains: boolean;
  jumps: number;
}

const none = (): NatOutgoingChanges => ({ sets: [], chains: false, jumps: 0 });

function add(into: NatOutgoingChanges, sets: string[], c: ChainChanges): void {
  into.sets.push(...sets);
  into.chains ||= c.chains;
  into.jumps += c.jumps;
}

async function removeFamily(runner: ProcessRunner, netns: Netns, family: IpFamily, into: NatOutgoingChanges) {
  const chains = await removeOwnedChains(runner, netns, natChains(family));
  add(into, await removeSets(runner, netns, allSetNames(family)), chains);
}

export async function applyNatOutgoing(
  runner: ProcessRunner,
  netns: Netns,
  state: NatOutgoingState,
): Promise<NatOutgoingChanges> {
  const changes = none();
  for (const family of FAMILIES) {
    const want = state[family];
    if (!want) {
      await removeFamily(runner, netns, family, changes);
      continue;
    }
    const sets = await applySets(runner, netns, want.sets);
    add(changes, sets, await applyOwnedChains(runner, netns, natChains(family), want.document));
  }
  return changes;
}

/** Removes every chain, jump and set of ours in both families; a no-op when there is none. */
export async function removeNatOutgoing(runner: ProcessRunner, netns: Netns): Promise<NatOutgoingChanges> {
  const changes = none();
  for (const family of FAMILIES) await removeFamily(runner, netns, family, changes);
  return changes;
}
