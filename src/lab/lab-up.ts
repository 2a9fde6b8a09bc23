/**
 * The node side of `kovn up`, after the dataplane, API server and controller (daemon.ts): a node agent per node
 * (supervised, serving its CNI socket; the process `kovn install`'s DaemonSet renders, rendered-launch.ts); the
 * readiness gate — the default network programmed (`ovn-default` and `join` Ready) and every node's `ovn0`
 * answering (each node pings the join gateway through OVN); then the lab's scheduler and one kubelet per node, in
 * the daemon's process (stopped with the lab, pods torn down), sharing one link helper (recorded in the ledger) for
 * their sandboxes' namespaces and CNI plugin runs.
 */
import { fileURLToPath } from 'node:url';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { KubeObject } from '../api/types.ts';
import { kubeRequest } from '../kube/request.ts';
import { objectPath } from '../kube/resources.ts';
import { DEFAULT_NETWORK } from '../api/default-network.ts';
import { waitFor } from '../ovn/daemons.ts';
import { systemClock } from '../util/clock.ts';
import { processRunner } from '../util/exec.ts';
import type { LabDaemon, LabPart } from './daemon.ts';
import { Kubelet } from './kubelet/kubelet.ts';
import { startScheduler } from './scheduler/scheduler.ts';
import { startStatefulSetController } from './control-plane/statefulset.ts';
import { startNatGatewaySide } from './dataplane/natgw-side.ts';
import type { LabLayout } from './layout.ts';
import { startEndpointsController } from './control-plane/endpoints.ts';
import { startVpcDnsRunner } from './vpc-dns/runner.ts';
import { labLaunch, labNodeWorkload, workloadComponent } from './rendered-launch.ts';
import { DEFAULT_PYTHON, LINK_HELPER_PROGRAM, LinkHelper } from '../node/netlink/link-helper.ts';

const CNI_BINARY = fileURLToPath(new URL('../../bin/kovn-cni', import.meta.url));
const READY_TIMEOUT_MS = 120_000;

/** The cluster CNI's pod addresses in a `--cni-mode secondary` lab: flannel's default 10.244.0.0/16, a /24 per node. */
const nodePodCidr = (index: number): string => `10.244.${index}.0/24`;

const ready = (subnet: KubeObject | undefined): boolean =>
  ((subnet as Subnet | undefined)?.status?.conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

export async function startNodeSide(
  daemon: LabDaemon,
  layout: LabLayout,
  options: { enableTproxy?: boolean } = {},
): Promise<void> {
  const agents = labNodeWorkload(daemon.config.cniMode);
  const kubeconfig = await daemon.componentKubeconfig(workloadComponent(agents));
  // The agents start side by side: each one's start-up is mostly its own process loading and connecting.
  await settleAll(
    daemon.nodes.map(async (node) => {
      const where = {
        name: node.name,
        address: node.encapIp,
        netns: node.netns,
        ovsRundir: node.ovsRundir,
        cniSocket: layout.cniSocket(node.name),
      };
      await daemon.supervise(
        `${node.name}/node-agent`,
        (metricsFlags) =>
          labLaunch(agents, {
            kubeconfig,
            metricsFlags,
            node: where,
            enableTproxy: options.enableTproxy ?? true,
          }),
        `node-agent-${node.name}.log`,
      );
    }),
  );
  await waitForDefaultNetwork(daemon);

  const secondary = daemon.config.cniMode === 'secondary';
  // Registered before the kubelets, so it is closed after they have torn their pods down.
  const helperLedger = daemon.runner.withComponent('kubelets/link-helper');
  const links = new LinkHelper({
    logger: daemon.logger.child({ part: 'kubelet-link-helper' }),
    onStart: (proc) => helperLedger.adopt(proc, `${DEFAULT_PYTHON} ${LINK_HELPER_PROGRAM}`),
  });
  daemon.own({ name: 'kubelets/link-helper', stop: () => links.close() });
  // Started with the kubelets, so the first pod does not wait for Python to load.
  const warming = links.warmUp().then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  await startParts(daemon, [
    async () => {
      const scheduler = await startScheduler({
        kubeConfig: daemon.kubeConfig,
        logger: daemon.logger.child({ part: 'scheduler' }),
      });
      return { name: 'scheduler', stop: () => scheduler.stop() };
    },
    async () => {
      const statefulSets = await startStatefulSetController({
        kubeConfig: daemon.kubeConfig,
        logger: daemon.logger.child({ part: 'statefulset-controller' }),
      });
      return { name: 'statefulset-controller', stop: () => statefulSets.stop() };
    },
    ...daemon.nodes.map((node, i) => async () => {
      const kubelet = new Kubelet({
        nodeName: node.name,
        nodeNetns: node.netns,
        layout,
        kubeConfig: daemon.kubeConfig,
        cniBinary: CNI_BINARY,
        // kovn as a secondary network: the cluster's own CNI gives eth0 from this node's /24 of 10.244.0.0/16.
        ...(secondary ? { clusterNetwork: { podCidr: nodePodCidr(i) } } : {}),
        runner: daemon.runner.withComponent(`${node.name}/pods`),
        links,
        logger: daemon.logger.child({ part: 'kubelet', node: node.name }),
      });
      await kubelet.start();
      return { name: `${node.name}/kubelet`, stop: () => kubelet.stop({ teardown: true }) };
    }),
  ]);
  const warmUpFailure = await warming;
  if (warmUpFailure) throw warmUpFailure;
  await startNatGatewaySide(daemon, layout);
  await startServiceSide(daemon, layout);
}

/** Waits for every promise to settle, then throws the first failure (so nothing is still starting behind it). */
async function settleAll(starts: Promise<unknown>[]): Promise<void> {
  const failure = (await Promise.allSettled(starts)).find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * Starts in-process parts side by side and registers each one that started, in the order given (the lab stops
 * them in reverse), also when another failed; then throws the first failure.
 */
async function startParts(daemon: LabDaemon, starts: (() => Promise<LabPart>)[]): Promise<void> {
  const settled = await Promise.allSettled(starts.map((start) => start()));
  for (const s of settled) if (s.status === 'fulfilled') daemon.own(s.value);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
}

async function waitForDefaultNetwork(daemon: LabDaemon): Promise<void> {
  const kc = daemon.kubeConfig;
  const get = (kind: string, name: string) =>
    kubeRequest<KubeObject>(kc, { method: 'GET', path: objectPath(kind, name) }).catch(() => undefined);
  daemon.mark('default-network', 'starting', 'waiting for ovn-default and join');
  await waitFor(
    systemClock,
    'subnets ovn-default and join to be Ready',
    async () =>
      ready(await get('Subnet', DEFAULT_NETWORK.defaultLs)) &&
      ready(await get('Subnet', DEFAULT_NETWORK.nodeSwitch))
        ? true
        : undefined,
    READY_TIMEOUT_MS,
  );
  const join = (await get('Subnet', DEFAULT_NETWORK.nodeSwitch)) as Subnet;
  const gateway = join.spec?.gateway ?? '';
  daemon.mark('default-network', 'starting', `waiting for every node's ovn0 to reach ${gateway}`);
  await settleAll(
    daemon.nodes.map((node) =>
      waitFor(
        systemClock,
        `node ${node.name}'s ovn0 to reach the join gateway ${gateway}`,
        async () => {
          const r = await processRunner.run('ping', ['-c', '1', '-W', '1', gateway], { netns: node.netns });
          return r.code === 0 ? true : undefined;
        },
        READY_TIMEOUT_MS,
      ),
    ),
  );
  daemon.mark('default-network', 'running', `ovn-cluster, ovn-default, join; nodes reach ${gateway}`);
}

/** Endpoints for selector-based Services, and VPC DNS servers in their pods (stopped before the kubelets). */
async function startServiceSide(daemon: LabDaemon, layout: LabLayout): Promise<void> {
  const endpoints = await startEndpointsController({
    kubeConfig: daemon.kubeConfig,
    logger: daemon.logger.child({ part: 'endpoints-controller' }),
  });
  daemon.own({ name: 'endpoints-controller', stop: () => endpoints.stop() });
  const vpcDns = await startVpcDnsRunner({
    kubeConfig: daemon.kubeConfig,
    layout,
    runner: daemon.runner.withComponent('vpc-dns'),
    logger: daemon.logger.child({ part: 'vpc-dns' }),
  });
  daemon.own({ name: 'vpc-dns', stop: () => vpcDns.stop() });
}
