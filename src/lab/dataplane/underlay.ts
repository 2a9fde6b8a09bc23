/**
 * The emulated underlay that carries geneve between the lab's nodes: one namespace (`layout.underlayNetns`) with a
 * Linux bridge `br0`, and per node a veth whose node end is `ul0` (in the node's namespace, later a port of the
 * node's `br-phy`) and whose other end is a port of `br0`. Each veth is created directly inside its two
 * namespaces, so the root namespace never holds a lab link. Node encap addresses come from `UNDERLAY_CIDR`
 * (192.0.2.0/24, RFC 5737): the node with index i gets .11+i. The bridge itself holds `NODE_NETWORK_HOST` (.1): a
 * host on the node network that is not a node, standing for what lies outside the cluster (a pod whose subnet has
 * natOutgoing reaches it from its node's address, ADR 27). See docs/adr (lab dataplane).
 */
import { createHash } from 'node:crypto';
import { check, type ProcessRunner } from '../../util/exec.ts';
import { UNDERLAY_CIDR } from '../layout.ts';
import type { Ledger } from '../process/ledger.ts';
import { createNetns, deleteNetns } from './netns.ts';

export const UNDERLAY_BRIDGE = 'br0';
/** The node end of a node's underlay veth. */
export const UNDERLAY_NODE_IF = 'ul0';
export const UNDERLAY_PREFIX_LEN = Number(UNDERLAY_CIDR.split('/')[1]);
const FIRST_HOST = 11;
/** The node network's outside host, on the underlay bridge. */
export const NODE_NETWORK_HOST = '192.0.2.1';

/** The encap address of the node with index `i` (0-based): 192.0.2.11, .12, ... */
export function encapIp(i: number): string {
  const host = FIRST_HOST + i;
  if (!Number.isInteger(i) || i < 0 || host > 254)
    throw new RangeError(`underlay: no address for node index ${i}`);
  const [a, b, c] = UNDERLAY_CIDR.split('/')[0]!.split('.');
  return `${a}.${b}.${c}.${host}`;
}

/** The bridge-side end of a node's veth in the underlay namespace (stable per node, 10 characters). */
export function underlayPortName(node: string): string {
  return `u-${createHash('sha1').update(node).digest('hex').slice(0, 8)}`;
}

export interface UnderlayOptions {
  runner: ProcessRunner;
  ledger: Ledger;
  netns: string;
}

export class Underlay {
  readonly netns: string;
  readonly #runner: ProcessRunner;
  readonly #ledger: Ledger;

  private constructor(options: UnderlayOptions) {
    this.netns = options.netns;
    this.#runner = options.runner;
    this.#ledger = options.ledger;
  }

  /** Creates the underlay namespace and its bridge. */
  static async create(options: UnderlayOptions): Promise<Underlay> {
    const u = new Underlay(options);
    await createNetns(u.#runner, u.#ledger, u.netns);
    await u.#ip('link', 'add', UNDERLAY_BRIDGE, 'type', 'bridge');
    await u.#ip('addr', 'add', `${NODE_NETWORK_HOST}/${UNDERLAY_PREFIX_LEN}`, 'dev', UNDERLAY_BRIDGE);
    await u.#ip('link', 'set', UNDERLAY_BRIDGE, 'up');
    await u.#ip('link', 'set', 'lo', 'up');
    // The host's own TCP/UDP leaves with the checksum for the NIC to fill; the nodes' userspace datapath never does
    await check(u.#runner, 'ethtool', ['-K', UNDERLAY_BRIDGE, 'tx', 'off'], { netns: u.netns });
    return u;
  }

  #ip(...args: string[]): Promise<string> {
    return check(this.#runner, 'ip', ['-n', this.netns, ...args]);
  }

  /** Connects a node's namespace: `ul0` there (up, no address: br-phy carries it), its peer on `br0` here. */
  async attach(node: string, nodeNetns: string): Promise<void> {
    const port = underlayPortName(node);
    await check(this.#runner, 'ip', [
      ...['-n', nodeNetns, 'link', 'add', UNDERLAY_NODE_IF, 'type', 'veth'],
      ...['peer', 'name', port, 'netns', this.netns],
    ]);
    await this.#ip('link', 'set', port, 'master', UNDERLAY_BRIDGE, 'up');
    await check(this.#runner, 'ip', ['-n', nodeNetns, 'link', 'set', UNDERLAY_NODE_IF, 'up']);
    // geneve from the userspace datapath computes its own checksums; keep the veth from deferring them
    await check(this.#runner, 'ethtool', ['-K', UNDERLAY_NODE_IF, 'tx', 'off'], { netns: nodeNetns });
  }

  /** Disconnects a node (deleting one end deletes the pair); a no-op if it is gone. */
  async detach(node: string): Promise<void> {
    await this.#runner.run('ip', ['-n', this.netns, 'link', 'del', underlayPortName(node)]);
  }

  async remove(): Promise<void> {
    await deleteNetns(this.#runner, this.#ledger, this.netns);
  }
}
