/**
 * The `Open_vSwitch` database rows a pod port lives in (only the columns the node agent monitors) and the OVSDB
 * operations that add, update and remove such a port: what `ovs-vsctl --may-exist add-port B P -- set Interface P
 * external_ids:k=v` and `ovs-vsctl --if-exists del-port B P` send, planned from the cached rows. Pure: nothing here
 * sends anything (ovs-db.ts does). Port and Interface are non-root tables (ovs-vswitchd.conf.db(5)): a Port dropped
 * from its Bridge's `ports` is deleted by the server, and its Interface with it.
 */
import {
  deleteFrom,
  eq,
  insert,
  insertInto,
  map,
  mutate,
  mutation,
  namedUuid,
  select,
  set,
  uuid,
  type Operation,
} from '../ovsdb/index.ts';

export interface OvsRoot {
  _uuid: string;
  next_cfg: number;
  cur_cfg: number;
}
export interface OvsBridge {
  _uuid: string;
  name: string;
  ports: string[];
}
export interface OvsPort {
  _uuid: string;
  name: string;
  interfaces: string[];
}
export interface OvsInterface {
  _uuid: string;
  name: string;
  external_ids: Record<string, string>;
  ofport?: number;
  error?: string;
}
export interface OpenVswitchTables {
  [table: string]: { _uuid: string };
  Open_vSwitch: OvsRoot;
  Bridge: OvsBridge;
  Port: OvsPort;
  Interface: OvsInterface;
}

/** What the node agent monitors: exactly the columns above. */
export const OVS_MONITOR = {
  Open_vSwitch: { columns: ['next_cfg', 'cur_cfg'] },
  Bridge: { columns: ['name', 'ports'] },
  Port: { columns: ['name', 'interfaces'] },
  Interface: { columns: ['name', 'external_ids', 'ofport', 'error'] },
};

/** A port as the cache holds it: its row, its interface of the same name, the bridge whose `ports` hold it. */
export interface FoundPort {
  port?: OvsPort;
  iface?: OvsInterface;
  bridge?: OvsBridge;
}

/**
 * Adds port `name` (one interface of the same name, with `externalIds`) to bridge `br`. `tag` makes the rows' named
 * UUIDs unique when several ports go in one transaction.
 */
export function addPortOps(
  br: OvsBridge,
  name: string,
  externalIds: Record<string, string>,
  tag = '',
): Operation[] {
  const iface = `iface${tag}`;
  const port = `port${tag}`;
  return [
    insert('Interface', { name, external_ids: map(externalIds) }, iface),
    insert('Port', { name, interfaces: set([namedUuid(iface)]) }, port),
    mutate('Bridge', [eq('_uuid', uuid(br._uuid))], [insertInto('ports', set([namedUuid(port)]))]),
  ];
}

/** Sets `externalIds` on an existing interface (other keys stay); nothing when every key already has its value. */
export function setExternalIdsOps(iface: OvsInterface, externalIds: Record<string, string>): Operation[] {
  const changed = Object.entries(externalIds).filter(([k, v]) => iface.external_ids[k] !== v);
  if (changed.length === 0) return [];
  // A map `insert` keeps an existing key's value, so the changed keys are deleted first (mutations apply in order).
  return [
    mutate(
      'Interface',
      [eq('_uuid', uuid(iface._uuid))],
      [deleteFrom('external_ids', set(changed.map(([k]) => k))), insertInto('external_ids', map(changed))],
    ),
  ];
}

/**
 * The operations that make port `name` a port of `bridge` with `externalIds` set (`--may-exist add-port` plus `set
 * Interface`), given what the cache holds; empty when it already is. Throws where ovs-vsctl refuses.
 */
export function ensurePortOps(
  found: FoundPort,
  bridges: readonly OvsBridge[],
  bridgeName: string,
  name: string,
  externalIds: Record<string, string>,
  tag = '',
): Operation[] {
  const bridge = bridges.find((b) => b.name === bridgeName);
  if (!bridge) throw new Error(`no bridge named ${bridgeName}`);
  if (found.port && found.bridge?._uuid !== bridge._uuid)
    throw new Error(
      `a port named ${name} already exists${found.bridge ? ` on bridge ${found.bridge.name}` : ''}`,
    );
  if (!found.port) return addPortOps(bridge, name, externalIds, tag);
  if (!found.iface) throw new Error(`port ${name} has no interface named ${name}`);
  return setExternalIdsOps(found.iface, externalIds);
}

/** `--if-exists del-port <bridge> <name>`: empty when there is no such port; throws if another bridge holds it. */
export function removePortOps(found: FoundPort, bridge: string, name: string): Operation[] {
  if (!found.port || !found.bridge) return [];
  if (found.bridge.name !== bridge) throw new Error(`${name} is a port of bridge ${found.bridge.name}`);
  return [
    mutate(
      'Bridge',
      [eq('_uuid', uuid(found.bridge._uuid))],
      [deleteFrom('ports', set([uuid(found.port._uuid)]))],
    ),
  ];
}

/** Appended to a change, as ovs-vsctl does: asks ovs-vswitchd to reconfigure, and reads the new `next_cfg`. */
export const RECONFIGURE_OPS: readonly Operation[] = [
  mutate('Open_vSwitch', [], [mutation('next_cfg', '+=', 1)]),
  select('Open_vSwitch', [], ['next_cfg']),
];
