/**
 * The node agent's one way of owning iptables chains in a node namespace (TProxy's mangle chains, natOutgoing's nat
 * chains): the chains of ours in one table are replaced whole by one `iptables-restore --noflush` (which leaves every
 * other chain alone), and only when what `iptables-save` shows differs, so converging twice writes nothing; the
 * jumps into them from the built-in chains are checked (`-C`) and inserted first when missing, never twice. Removal
 * deletes the jumps, then flushes and deletes the chains. IPv4 through iptables, IPv6 through ip6tables.
 */
import { check, type ProcessRunner } from '../util/exec.ts';
import { netnsLabel, type Netns } from './agent/netns-path.ts';

export type IpFamily = 4 | 6;

/** A jump from a built-in chain into one of ours, its options as iptables-save prints them. */
export interface ChainJump {
  chain: string;
  rule: readonly string[];
}

/** The chains one owner keeps in one table of one family. */
export interface OwnedChains {
  family: IpFamily;
  table: string;
  chains: readonly string[];
  jumps: readonly ChainJump[];
}

export interface ChainChanges {
  chains: boolean;
  jumps: number;
}

const tool = (family: IpFamily, name: 'iptables' | 'iptables-save' | 'iptables-restore'): string =>
  family === 6 ? name.replace('iptables', 'ip6tables') : name;

/** The `-A` lines (as iptables-save prints them) of each of `chains` that exists in `save`. */
export function chainLines(save: string, chains: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of save.split('\n')) {
    const decl = /^:(\S+) /.exec(line);
    if (decl?.[1] && chains.includes(decl[1])) out.set(decl[1], []);
    const rule = /^-A (\S+) /.exec(line);
    if (rule?.[1] && chains.includes(rule[1])) out.get(rule[1])?.push(line.trim());
  }
  return out;
}

/** More copies of one jump than anyone makes: past this, removal gives up with an error. */
const MAX_JUMP_COPIES = 64;

const iptables = (runner: ProcessRunner, netns: Netns, o: OwnedChains, args: readonly string[]) =>
  runner.run(tool(o.family, 'iptables'), ['-w', '-t', o.table, ...args], { netns });

const saved = (runner: ProcessRunner, netns: Netns, o: OwnedChains): Promise<string> =>
  check(runner, tool(o.family, 'iptables-save'), ['-t', o.table], { netns });

/**
 * Makes our chains hold exactly what `document` (an iptables-restore document for `o.table` declaring each of
 * `o.chains`) says and the jumps exist. Returns what it changed.
 */
export async function applyOwnedChains(
  runner: ProcessRunner,
  netns: Netns,
  o: OwnedChains,
  document: string,
): Promise<ChainChanges> {
  const changes: ChainChanges = { chains: false, jumps: 0 };
  const want = chainLines(document, o.chains);
  const have = chainLines(await saved(runner, netns, o), o.chains);
  if (o.chains.some((c) => JSON.stringify(have.get(c)) !== JSON.stringify(want.get(c)))) {
    await check(runner, tool(o.family, 'iptables-restore'), ['-w', '--noflush'], { netns, input: document });
    changes.chains = true;
  }
  for (const j of o.jumps)
    if ((await iptables(runner, netns, o, ['-C', j.chain, ...j.rule])).code !== 0) {
      await check(runner, tool(o.family, 'iptables'), ['-w', '-t', o.table, '-I', j.chain, '1', ...j.rule], {
        netns,
      });
      changes.jumps++;
    }
  return changes;
}

/** Removes the jumps (every copy) and the chains; a no-op when there is none. Returns what it removed. */
export async function removeOwnedChains(
  runner: ProcessRunner,
  netns: Netns,
  o: OwnedChains,
): Promise<ChainChanges> {
  const changes: ChainChanges = { chains: false, jumps: 0 };
  const ipt = (args: string[]) =>
    check(runner, tool(o.family, 'iptables'), ['-w', '-t', o.table, ...args], { netns });
  for (const j of o.jumps)
    for (
      let copies = 0;
      (await iptables(runner, netns, o, ['-C', j.chain, ...j.rule])).code === 0;
      copies++
    ) {
      // A delete that leaves the jump in place (a tool that lies, a writer racing us) must not loop for ever.
      if (copies >= MAX_JUMP_COPIES)
        throw new Error(
          `${j.chain} still jumps to our chain after ${MAX_JUMP_COPIES} deletes in ${netnsLabel(netns)}`,
        );
      await ipt(['-D', j.chain, ...j.rule]);
      changes.jumps++;
    }
  const have = chainLines(await saved(runner, netns, o), o.chains);
  for (const chain of have.keys()) await ipt(['-F', chain]);
  for (const chain of have.keys()) {
    await ipt(['-X', chain]);
    changes.chains = true;
  }
  return changes;
}
