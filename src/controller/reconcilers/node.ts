/**
 * Node reconciler (Kube-OVN's node controller, for the join network): every Node gets an address on the join subnet
 * (IPAM owner and port name `node-<node>`), its Logical_Switch_Port on the join switch, and the annotations the node
 * agent plumbs `ovn0` from (`ip_address`, `mac_address`, `cidr`, `gateway`, `logical_switch`, `port_name`,
 * `allocated`). A recorded address is requested again, so a restarted controller keeps it. In the same NB
 * transaction, the node's gateway rows: the reroutes that send its pods' traffic out of the cluster through its
 * `ovn0` (node-gateway.ts). A deleted Node releases its address, port and gateway rows.
 */
import {
  ANNOTATION_ALLOCATED,
  ANNOTATION_CIDR,
  ANNOTATION_GATEWAY,
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_PORT_NAME,
} from '../../api/annotations.ts';
import { nodePortName } from '../../api/constants.ts';
import { defaultSubnet } from '../../api/kinds/subnet-defaults.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import { MissingParentError } from '../nb/errors.ts';
import { desiredNode } from '../nb/node.ts';
import { desiredNodeGateway } from '../nb/node-gateway.ts';
import { nodeOwner } from '../nb/owner.ts';
import { converge } from '../nb/send.ts';
import { keyOf } from '../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../kube/reconciler.ts';
import { WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from './deps.ts';
import { nodeGatewayWatches, nodeGatewayWorld } from './node-gateway.ts';
import { annotationChanges, refOf } from '../../kube/writer.ts';

export function nodeReconciler(deps: NetworkDeps): Reconciler {
  const join = deps.network.nodeSwitch;
  return {
    kind: 'Node',
    watches: [
      {
        kind: 'Subnet',
        map: (subnet, view) =>
          subnet.metadata.name === join
            ? view.list('Node').map((n) => keyOf('Node', n.metadata.name ?? ''))
            : [],
      },
      ...nodeGatewayWatches(deps.network),
    ],
    async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      deps.bootstrap.ensure(ctx.view, ctx.log);
      const name = ctx.ref.name;
      const port = nodePortName(name);
      const node = ctx.view.get('Node', name);
      if (!node || node.metadata.deletionTimestamp) {
        await converge(deps.nb, { owner: nodeOwner(name), key, desired: [] });
        if (deps.ipam.release(join, port)) deps.enqueue(keyOf('Subnet', join));
        return;
      }
      const raw = ctx.view.get('Subnet', join) as Subnet | undefined;
      if (!raw || raw.metadata.deletionTimestamp || !deps.ipam.subnet(join)) {
        ctx.log.debug('node waits for the join subnet');
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      const subnet = defaultSubnet(raw);
      const a = node.metadata.annotations ?? {};
      const recorded = a[ANNOTATION_ALLOCATED] === 'true' && a[ANNOTATION_LOGICAL_SWITCH] === join;
      const result = deps.ipam.allocate(
        join,
        port,
        recorded
          ? {
              ...(a[ANNOTATION_IP_ADDRESS] ? { ips: a[ANNOTATION_IP_ADDRESS] } : {}),
              ...(a[ANNOTATION_MAC_ADDRESS] ? { mac: a[ANNOTATION_MAC_ADDRESS] } : {}),
            }
          : {},
      );
      if (!result.ok) throw new Error(`node ${name}: no address on ${join}: ${result.message}`);
      const { allocation } = result;
      if (result.changed) deps.enqueue(keyOf('Subnet', join));
      const ips = [allocation.v4, allocation.v6].filter((ip) => ip !== undefined);
      try {
        const gateway = desiredNodeGateway({
          node: name,
          router: deps.network.clusterRouter,
          owner: nodeOwner(name),
          joinIps: ips,
          ...nodeGatewayWorld(ctx.view, deps.network, node),
        });
        await converge(deps.nb, {
          owner: nodeOwner(name),
          key,
          desired: [...desiredNode({ node: name, subnet: join, mac: allocation.mac, ips }), ...gateway],
        });
      } catch (err) {
        if (!(err instanceof MissingParentError)) throw err;
        ctx.log.debug({ reason: err.message }, 'node waits for the join switch');
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      const changes = annotationChanges(node, {
        [ANNOTATION_IP_ADDRESS]: allocation.ipAddress,
        [ANNOTATION_MAC_ADDRESS]: allocation.mac,
        [ANNOTATION_CIDR]: subnet.spec?.cidrBlock ?? '',
        [ANNOTATION_GATEWAY]: subnet.spec?.gateway ?? '',
        [ANNOTATION_LOGICAL_SWITCH]: join,
        [ANNOTATION_PORT_NAME]: port,
        [ANNOTATION_ALLOCATED]: 'true',
      });
      if (Object.keys(changes).length) await deps.writer.patchAnnotations(refOf(node), changes);
      return;
    },
  };
}
