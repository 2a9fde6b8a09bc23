/**
 * The node agent's ipsets in a node namespace: each desired set made to hold exactly its members, level-triggered.
 * One `ipset save` reads them all; a set that is missing is created, a set whose members differ is refilled
 * atomically (a temporary set filled and swapped in, in one `ipset restore`, as Kube-OVN's ipsets library does with
 * its `ovn41*` twins), a set that holds its members is not touched. Removal destroys the named sets that exist
 * (after the rules that match on them are gone: the kernel refuses to destroy a set still in use).
 */
import { check, type ProcessRunner } from '../util/exec.ts';
import type { IpFamily } from './iptables.ts';
import type { Netns } from './agent/netns-path.ts';

export interface IpSet {
  name: string;
  /** The twin filled and swapped in when the members change. */
  temp: string;
  type: 'hash:net' | 'hash:ip';
  family: IpFamily;
  members: readonly string[];
}

/** Kube-OVN's size for every set it makes. */
const MAX_ELEMENTS = 1_048_576;

/** One member as `ipset save` prints it: a host prefix (/32, /128) is printed as the bare address. */
export const canonicalMember = (member: string): string => member.replace(/\/(32|128)$/, '');

/** The members of every set in an `ipset save` dump, by set name. */
export function savedSets(save: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of save.split('\n')) {
    const [verb, name, member] = line.trim().split(/\s+/);
    if (!name) continue;
    if (verb === 'create') out.set(name, out.get(name) ?? []);
    if (verb === 'add' && member) out.get(name)?.push(member);
  }
  return out;
}

const sameMembers = (have: readonly string[], want: readonly string[]): boolean => {
  const a = new Set(have.map(canonicalMember));
  const b = new Set(want.map(canonicalMember));
  return a.size === b.size && [...a].every((m) => b.has(m));
};

const createLine = (name: string, s: IpSet): string =>
  `create ${name} ${s.type} family ${s.family === 6 ? 'inet6' : 'inet'} maxelem ${MAX_ELEMENTS} -exist`;

/** The `ipset restore` input that makes `s` hold its members: created when missing, else refilled and swapped. */
export function renderSet(s: IpSet, exists: boolean): string {
  const members = [...new Set(s.members)].sort();
  if (!exists) return [createLine(s.name, s), ...members.map((m) => `add ${s.name} ${m}`), ''].join('\n');
  return [
    createLine(s.temp, s),
    `flush ${s.temp}`,
    ...members.map((m) => `add ${s.temp} ${m}`),
    `swap ${s.temp} ${s.name}`,
    `destroy ${s.temp}`,
    '',
  ].join('\n');
}

const readSets = async (runner: ProcessRunner, netns: Netns): Promise<Map<string, string[]>> =>
  savedSets(await check(runner, 'ipset', ['save'], { netns }));

/** Makes each set hold exactly its members; returns the names of the sets it wrote. */
export async function applySets(
  runner: ProcessRunner,
  netns: Netns,
  sets: readonly IpSet[],
): Promise<string[]> {
  const have = await readSets(runner, netns);
  const written: string[] = [];
  for (const s of sets) {
    const members = have.get(s.name);
    if (members && sameMembers(members, s.members)) continue;
    await check(runner, 'ipset', ['restore'], { netns, input: renderSet(s, members !== undefined) });
    written.push(s.name);
  }
  return written;
}

/** Destroys those of `names` that exist; returns the names it destroyed. */
export async function removeSets(
  runner: ProcessRunner,
  netns: Netns,
  names: readonly string[],
): Promise<string[]> {
  const have = await readSets(runner, netns);
  const gone = names.filter((n) => have.has(n));
  for (const name of gone) await check(runner, 'ipset', ['destroy', name], { netns });
  return gone;
}
