/**
 * Parent-set membership changes of one plan, batched into one `mutate` per parent row (RFC 7047 §5.2.4): every
 * insert into and delete from a router's or switch's `ports`/`policies`/`static_routes` for that row goes into the
 * same operation, inserts before deletes.
 */
import { deleteFrom, eq, insertInto, mutate, type Mutation, type Operation } from '../../ovsdb/operations.ts';
import { atomKey, set, uuid, type Atom } from '../../ovsdb/values.ts';

interface Entry {
  table: string;
  uuid: string;
  column: string;
  insert: Map<string, Atom>;
  delete: Map<string, Atom>;
}

export class LinkBook {
  readonly #entries = new Map<string, Entry>();

  link(table: string, parent: string, column: string, child: Atom): void {
    this.#entry(table, parent, column).insert.set(atomKey(child), child);
  }

  unlink(table: string, parent: string, column: string, child: Atom): void {
    this.#entry(table, parent, column).delete.set(atomKey(child), child);
  }

  operations(): Operation[] {
    const byRow = new Map<string, { table: string; uuid: string; mutations: Mutation[] }>();
    for (const e of this.#entries.values()) {
      const key = `${e.table}\u0000${e.uuid}`;
      let op = byRow.get(key);
      if (!op) byRow.set(key, (op = { table: e.table, uuid: e.uuid, mutations: [] }));
      if (e.insert.size) op.mutations.push(insertInto(e.column, set(e.insert.values())));
      if (e.delete.size) op.mutations.push(deleteFrom(e.column, set(e.delete.values())));
    }
    return [...byRow.values()]
      .filter((op) => op.mutations.length > 0)
      .map((op) => mutate(op.table, [eq('_uuid', uuid(op.uuid))], op.mutations));
  }

  #entry(table: string, parent: string, column: string): Entry {
    const key = `${table}\u0000${parent}\u0000${column}`;
    let entry = this.#entries.get(key);
    if (!entry)
      this.#entries.set(key, (entry = { table, uuid: parent, column, insert: new Map(), delete: new Map() }));
    return entry;
  }
}
