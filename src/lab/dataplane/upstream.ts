/**
 * The lab's external networks (DESIGN "External networks"). An external network exists when a Subnet with a
 * non-OVN provider `<nad>.<ns>` meets a NetworkAttachmentDefinition `<ns>/<nad>` whose plugin has a `master` and
 * `ipam.type: kube-ovn` (the seed's macvlan `ovn-vpc-external-network`). For each, an upstream namespace
 * `<id>-x-<subnet>` stands for the physical router: a bridge `br0` holding the Subnet's `gateway`, and per node a
 * veth whose node end is the NAD's `master` (e.g. `eth1`, in the node's namespace, where the macvlan plugin looks
 * for it) and whose other end is a port of `br0` (the commands: upstream-commands.ts). Level-triggered over
 * informers; namespaces go through the ledger, so `kovn down` removes them even without this process, and a complete
 * one left by an earlier daemon is adopted. Checksum offload is off on every link (TCP that crosses into OVS's
 * userspace datapath needs full checksums, lab-notes).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import { KubeInformer } from '../../kube/informer-kube.ts';
import { OneKeyLoop } from '../../kube/work-loop.ts';
import { kindInformer } from '../../kube/informer-kind.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import { netnsExists } from '../kubelet/netns.ts';
import type { LabLayout } from '../layout.ts';
import type { Ledger } from '../process/ledger.ts';
import { createNetns, deleteNetns } from './netns.ts';
import { bridgeCommands, bridgePort, nodeLinkCommands, type Command } from './upstream-commands.ts';
import { externalNetworks, unwantedNetns, type ExternalNetwork } from './upstream-plan.ts';

export interface UpstreamOptions {
  kubeConfig: KubeConfig;
  layout: LabLayout;
  ledger: Ledger;
  runner: ProcessRunner;
  nodes: readonly { name: string; netns: string }[];
  clock?: Clock;
  logger?: Logger;
}

/** How long a failed sync waits before the next try. */
const RETRY = { baseMs: 2_000, maxMs: 2_000 } as const;

/** Watches Subnets and NADs and keeps one upstream namespace per external network, one sync at a time. */
class UpstreamNetworks {
  readonly #o: UpstreamOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #subnets: KubeInformer<Subnet>;
  readonly #nads: KubeInformer;
  /** netns -> fingerprint of what it holds */
  readonly #made = new Map<string, string>();
  readonly #loop: OneKeyLoop;

  constructor(o: UpstreamOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#log = o.logger ?? pino({ level: 'silent' });
    const clock = this.#clock;
    const watch = { kubeConfig: o.kubeConfig, clock, log: this.#log };
    this.#subnets = kindInformer<Subnet>('Subnet', watch);
    this.#nads = kindInformer('NetworkAttachmentDefinition', watch);
    // One sync at a time; every Subnet or NAD change asks for one; a failed one is retried after RETRY.
    this.#loop = new OneKeyLoop(
      {
        key: 'upstream-networks',
        name: 'upstream networks: sync',
        backoff: RETRY,
        run: async () => {
          await this.#converge();
          return {};
        },
      },
      { clock, log: this.#log, watch: [this.#subnets, this.#nads] },
    );
  }

  /** Starts the informers, makes the first sync (a failure is logged and retried), then follows changes. */
  async start(): Promise<void> {
    await Promise.all([this.#subnets.start(), this.#nads.start()]);
    await this.#converge().catch((err: unknown) =>
      this.#log.warn({ err }, 'upstream networks: sync failed; will retry'),
    );
    this.#loop.start();
  }

  /** Stops watching and syncing (a sync under way finishes, a retry not yet begun does not), then removes every
   * namespace made. */
  async stop(): Promise<void> {
    await Promise.all([this.#subnets.stop(), this.#nads.stop()]);
    await this.#loop.stop();
    const { runner, ledger } = this.#o;
    for (const netns of this.#made.keys()) await deleteNetns(runner, ledger, netns).catch(() => undefined);
    this.#made.clear();
  }

  async #converge(): Promise<void> {
    const { layout, runner, ledger } = this.#o;
    const want = externalNetworks(this.#subnets.list(), this.#nads.list());
    for (const netns of unwantedNetns(this.#made.keys(), want, (subnet) => layout.upstreamNetns(subnet))) {
      await deleteNetns(runner, ledger, netns);
      this.#made.delete(netns);
      this.#log.info({ netns }, 'upstream network removed');
    }
    for (const n of want) {
      const netns = layout.upstreamNetns(n.subnet);
      const fingerprint = JSON.stringify(n);
      if (this.#made.get(netns) === fingerprint && netnsExists(netns)) continue;
      if (!this.#made.has(netns) && netnsExists(netns) && (await this.#intact(n, netns))) {
        this.#made.set(netns, fingerprint); // left by an earlier daemon and complete: adopted, running gateways keep net1
        this.#log.info({ netns, ...n }, 'upstream network adopted');
        continue;
      }
      if (this.#made.has(netns)) await deleteNetns(runner, ledger, netns);
      await this.#realise(n, netns);
      this.#made.set(netns, fingerprint);
      this.#log.info({ netns, ...n }, 'upstream network ready');
    }
  }

  /** Does an existing upstream namespace hold the gateway address (both, for dual stack), and every node its master? */
  async #intact(n: ExternalNetwork, up: string): Promise<boolean> {
    const { runner, nodes } = this.#o;
    const br = await runner.run('ip', ['-n', up, '-o', 'addr', 'show', 'dev', 'br0']);
    if (br.code !== 0 || !br.stdout.includes(` ${n.gatewayAddress} `)) return false;
    if (n.gatewayAddress6 && !br.stdout.includes(` ${n.gatewayAddress6} `)) return false;
    for (const node of nodes) {
      const link = await runner.run('ip', ['-n', node.netns, 'link', 'show', n.master]);
      if (link.code !== 0) return false;
    }
    return true;
  }

  async #realise(n: ExternalNetwork, up: string): Promise<void> {
    const { runner, ledger, nodes } = this.#o;
    if (netnsExists(up)) await deleteNetns(runner, ledger, up); // incomplete or changed: start clean
    await createNetns(runner, ledger, up);
    for (const command of bridgeCommands(n, up)) await this.#must(command);
    for (const [i, node] of nodes.entries()) {
      await runner.run('ip', ['-n', node.netns, 'link', 'del', n.master]); // a leftover of an earlier run
      for (const command of nodeLinkCommands(n, up, node.netns, bridgePort(i))) await this.#must(command);
    }
  }

  async #must({ args, netns }: Command): Promise<void> {
    const r = await this.#o.runner.run(args[0]!, args.slice(1), netns ? { netns } : {});
    if (r.code !== 0)
      throw new Error(`${args.join(' ')}${netns ? ` (in ${netns})` : ''}: ${r.stderr.trim()}`);
  }
}

export async function startUpstreamNetworks(o: UpstreamOptions): Promise<{ stop(): Promise<void> }> {
  const networks = new UpstreamNetworks(o);
  await networks.start();
  return { stop: () => networks.stop() };
}
