/**
 * Attaching an owner's Load_Balancer rows to the switches of their VPC. `Logical_Switch.load_balancer` holds weak
 * references, so a load balancer is a root row that our diff deletes itself, and its links vanish with it; what is
 * left to plan is membership: every load balancer of the owner in the `load_balancer` set of exactly the wanted
 * switches (the ones of its VPC, by the `kovn-vpc` tag), and in no other. The switches belong to their Subnets; only
 * this one column is touched, by `mutate`, so nothing else of theirs changes. Pure: cache in, operations out.
 */
import type { DatabaseCache } from '../../ovsdb/cache.ts';
import type { OvnNbTables } from '../../ovsdb/generated/ovn-nb.ts';
import type { Operation } from '../../ovsdb/operations.ts';
import { uuid } from '../../ovsdb/values.ts';
import { LinkBook } from './links.ts';
import { OWNER_INDEX } from './owner.ts';

type Row = { readonly _uuid: string } & Readonly<Record<string, unknown>>;

export interface LbLinkInput {
  cache: DatabaseCache<OvnNbTables>;
  owner: string;
  /** VPC name -> the switches its load balancers belong on. */
  switchesOf: (vpc: string) => readonly string[];
}

export function planLbLinks({ cache, owner, switchesOf }: LbLinkInput): Operation[] {
  const book = new LinkBook();
  const switches = cache.table('Logical_Switch');
  for (const lb of cache.table('Load_Balancer').index(OWNER_INDEX).getAll(owner) as unknown as Row[]) {
    const vpc = (lb['external_ids'] as Record<string, string> | undefined)?.['kovn-vpc'] ?? '';
    const wanted = new Set<string>();
    for (const name of switchesOf(vpc)) {
      for (const ls of switches.index('name').getAll(name) as unknown as Row[]) wanted.add(ls._uuid);
    }
    const current = new Set(
      (switches.index('load_balancer').getAll(lb._uuid) as unknown as Row[]).map((ls) => ls._uuid),
    );
    for (const ls of wanted)
      if (!current.has(ls)) book.link('Logical_Switch', ls, 'load_balancer', uuid(lb._uuid));
    for (const ls of current)
      if (!wanted.has(ls)) book.unlink('Logical_Switch', ls, 'load_balancer', uuid(lb._uuid));
  }
  return book.operations();
}
