/**
 * The NAT gateway parts of the lab's node side, started by lab-up after the kubelets: the external networks
 * (upstream.ts: an upstream namespace per external Subnet, joined to each node's `master`) and one gateway agent
 * per node (src/natgw/agent.ts), which applies the rules of the gateway pods its kubelet realised inside their
 * namespaces. Both run in the lab daemon's process and stop with the lab (ADR 14).
 */
import { startGatewayAgent } from '../../natgw/agent.ts';
import type { LabDaemon } from '../daemon.ts';
import type { LabLayout } from '../layout.ts';
import { Ledger } from '../process/ledger.ts';
import { startUpstreamNetworks } from './upstream.ts';

export async function startNatGatewaySide(daemon: LabDaemon, layout: LabLayout): Promise<void> {
  const upstream = await startUpstreamNetworks({
    kubeConfig: daemon.kubeConfig,
    layout,
    ledger: new Ledger(layout.ledger),
    runner: daemon.runner.withComponent('upstream-networks'),
    nodes: daemon.nodes.map((n) => ({ name: n.name, netns: n.netns })),
    logger: daemon.logger.child({ part: 'upstream-networks' }),
  });
  daemon.own({ name: 'upstream-networks', stop: () => upstream.stop() });
  for (const node of daemon.nodes) {
    const agent = await startGatewayAgent({
      kubeConfig: daemon.kubeConfig,
      nodeName: node.name,
      podNetns: (namespace, name) => layout.podNetns(namespace, name),
      runner: daemon.runner.withComponent(`${node.name}/natgw-agent`),
      logger: daemon.logger.child({ part: 'natgw-agent', node: node.name }),
      metrics: daemon.metrics.metrics,
    });
    daemon.own({ name: `${node.name}/natgw-agent`, stop: () => agent.stop() });
  }
}
