/**
 * The lab's external networks (DESIGN "External networks"). An external network exists when a Subnet with a
 * non-OVN provider `<nad>.<ns>` meets a NetworkAttachmentDefinition `<ns>/<nad>` whose plugin has a `master` and
 * `ipam.type: kube-ovn` (the seed's macvlan `ovn-vpc-external-network`). For each, an upstream namespace
 * `<id>-x-<subnet>` stands for the physical router: a bridge `br0` holding the Subnet's `gateway`, and per node a
 * veth whose node end is the NAD's `master` (e.g. `eth1`, in the node's namespace, where the macvlan plugin looks
 * for it) and whose other end is a port of `br0`. Level-triggered over informers; namespaces go through the ledger,
 * so `kovn down` removes them even without this process, and a complete one left by an earlier daemon is adopted. Checksum offload is off on every link (TCP that crosses
 * into OVS's userspace datapath needs full checksums, lab-notes).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import { KubeInformer } from '../../kube/informer-kube.ts';
import { SUBNETS } from '../../node/resources.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import type { ProcessRunner } from '../../util/exec.ts';
import { netnsExists } from '../kubelet/netns.ts';
import type { LabLayout } from '../layout.ts';
import type { Ledger } from '../process/ledger.ts';
import { createNetns, deleteNetns } from './netns.ts';
import { NADS, externalNetworks, type ExternalNetwork } from './upstream-plan.ts';

export interface UpstreamOptions {
  kubeConfig: KubeConfig;
  layout: LabLayout;
  ledger: Ledger;
  runner: ProcessRunner;
  nodes: readonly { name: string; netns: string }[];
  clock?: Clock;
  logger?: Logger;
}

export async function startUpstreamNetworks(o: UpstreamOptions): Promise<{ stop(): Promise<void> }> {
  const clock = o.clock ?? systemClock;
  const log = o.logger ?? pino({ level: 'silent' });
  const onError = (err: unknown) => log.warn({ err }, 'upstream networks: list/watch failed, retrying');
  const subnets = new KubeInformer<Subnet>({ kubeConfig: o.kubeConfig, resource: SUBNETS, clock, onError });
  const nads = new KubeInformer({ kubeConfig: o.kubeConfig, resource: NADS, clock, onError });
  const made = new Map<string, string>(); // netns -> fingerprint of what it holds
  let chain: Promise<void> = Promise.resolve();
  const sync = (): void => {
    chain = chain.then(converge).catch((err: unknown) => {
      log.warn({ err }, 'upstream networks: sync failed; retrying');
      clock.sleep(2_000).then(sync, () => undefined);
    });
  };

  async function converge(): Promise<void> {
    const want = externalNetworks(subnets.list(), nads.list());
    for (const [netns] of made) {
      if (want.some((n) => o.layout.upstreamNetns(n.subnet) === netns)) continue;
      await deleteNetns(o.runner, o.ledger, netns);
      made.delete(netns);
      log.info({ netns }, 'upstream network removed');
    }
    for (const n of want) {
      const netns = o.layout.upstreamNetns(n.subnet);
      const fingerprint = JSON.stringify(n);
      if (made.get(netns) === fingerprint && netnsExists(netns)) continue;
      if (!made.has(netns) && netnsExists(netns) && (await intact(n, netns))) {
        made.set(netns, fingerprint); // left by an earlier daemon and complete: adopted, running gateways keep net1
        log.info({ netns, ...n }, 'upstream network adopted');
        continue;
      }
      if (made.has(netns)) await deleteNetns(o.runner, o.ledger, netns);
      await realise(n, netns);
      made.set(netns, fingerprint);
      log.info({ netns, ...n }, 'upstream network ready');
    }
  }

  /** Does an existing upstream namespace hold the gateway address, and every node its master? */
  async function intact(n: ExternalNetwork, up: string): Promise<boolean> {
    const br = await o.runner.run('ip', ['-n', up, '-4', '-o', 'addr', 'show', 'dev', 'br0']);
    if (br.code !== 0 || !br.stdout.includes(` ${n.gatewayAddress} `)) return false;
    for (const node of o.nodes) {
      const link = await o.runner.run('ip', ['-n', node.netns, 'link', 'show', n.master]);
      if (link.code !== 0) return false;
    }
    return true;
  }

  async function realise(n: ExternalNetwork, up: string): Promise<void> {
    const must = async (args: string[], netns?: string): Promise<void> => {
      const r = await o.runner.run(args[0]!, args.slice(1), netns ? { netns } : {});
      if (r.code !== 0)
        throw new Error(`${args.join(' ')}${netns ? ` (in ${netns})` : ''}: ${r.stderr.trim()}`);
    };
    if (netnsExists(up)) await deleteNetns(o.runner, o.ledger, up); // incomplete or changed: start clean
    await createNetns(o.runner, o.ledger, up);
    await must(['ip', '-n', up, 'link', 'add', 'br0', 'type', 'bridge']);
    await must(['ip', '-n', up, 'addr', 'add', n.gatewayAddress, 'dev', 'br0']);
    await must(['ip', '-n', up, 'link', 'set', 'br0', 'up']);
    await must(['ethtool', '-K', 'br0', 'tx', 'off'], up);
    for (const [i, node] of o.nodes.entries()) {
      const port = `n${i}`;
      await o.runner.run('ip', ['-n', node.netns, 'link', 'del', n.master]); // a leftover of an earlier run
      await must([
        'ip',
        'link',
        'add',
        n.master,
        'netns',
        node.netns,
        'type',
        'veth',
        'peer',
        'name',
        port,
        'netns',
        up,
      ]);
      await must(['ip', '-n', up, 'link', 'set', port, 'master', 'br0', 'up']);
      await must(['ip', '-n', node.netns, 'link', 'set', n.master, 'up']);
      await must(['ethtool', '-K', port, 'tx', 'off'], up);
      await must(['ethtool', '-K', n.master, 'tx', 'off'], node.netns);
    }
  }

  for (const i of [subnets, nads] as KubeInformer[]) {
    i.on('add', sync);
    i.on('update', sync);
    i.on('delete', sync);
  }
  await Promise.all([subnets.start(), nads.start()]);
  sync();
  await chain;
  return {
    async stop() {
      await Promise.all([subnets.stop(), nads.stop()]);
      await chain;
      for (const netns of made.keys()) await deleteNetns(o.runner, o.ledger, netns).catch(() => undefined);
      made.clear();
    },
  };
}
