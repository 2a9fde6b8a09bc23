/**
 * IptablesEIP reconciler (§4.8). Absent or deleting: while rules still name the EIP, keep the finalizer and say which
 * rules (`Ready=False`, reason `InUse`, an Event), looked at again when they go; then release the address and drop the
 * finalizer. Otherwise: add the finalizer, allocate the address from the external subnet's IPAM (the fixed `v4ip`,
 * else the lowest free one; owner = the EIP name; never changed once allocated), label it (`subnet`, `eip_v4_ip`,
 * `vpc-nat-gw-name`), fill `spec.v4ip`/`macAddress`/`externalSubnet` as Kube-OVN does, and write the status:
 * `ip`, `nat` (the kinds of the rules using it, `dnat,fip,snat` order) and `ready` from the gateway agent's report.
 * The external subnet is enqueued whenever its counters change.
 */
import { FINALIZER, LABEL_EIP_V4_IP, LABEL_NAT_GW_NAME } from '../../../api/constants.ts';
import type { IptablesEip } from '../../../api/kinds/iptables-eip.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import { keyOf } from '../../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../../kube/reconciler.ts';
import { BLOCKED_DELETE_RETRY_MS, WAIT_FOR_DEPENDENCY_MS, type NetworkDeps } from '../deps.ts';
import { ensureFinalizer, refOf } from '../../../kube/writer.ts';
import { appliedVerdict } from './applied.ts';
import { LABEL_SUBNET, SHORT_KIND, externalSubnetOf, gatewayPod, rulesOfEip, workloadName } from './names.ts';
import { labelChanges, natKinds, verdictCondition } from './rule-status.ts';
import { readyCondition, writeStatus } from './status.ts';
import { eipWatches } from './watches.ts';

export function eipReconciler(deps: NetworkDeps): Reconciler {
  return {
    kind: 'IptablesEIP',
    watches: eipWatches,
    async reconcile(_key: string, ctx: ReconcileContext): Promise<ReconcileResult> {
      const view = ctx.view;
      const name = ctx.ref.name;
      const eip = view.get('IptablesEIP', name) as IptablesEip | undefined;
      const subnetName = eip ? externalSubnetOf(eip) : undefined;
      const users = rulesOfEip(view, name);
      if (!eip || eip.metadata.deletionTimestamp) {
        if (eip && users.length) {
          const list = users
            .map((r) => `${SHORT_KIND[r.kind as keyof typeof SHORT_KIND]}/${r.metadata.name ?? ''}`)
            .join(', ');
          await writeStatus(
            deps.writer,
            ctx,
            eip,
            { ready: false },
            readyCondition(false, 'InUse', `eip ${name} is still used by ${list}; delete those rules first`),
          );
          return { requeueAfterMs: BLOCKED_DELETE_RETRY_MS };
        }
        for (const subnet of deps.ipam.lookup(name).map((a) => a.subnet)) {
          deps.ipam.release(subnet, name);
          deps.enqueue(keyOf('Subnet', subnet));
        }
        if (eip) await ensureFinalizer(deps.writer, eip, FINALIZER, false);
        return;
      }
      await ensureFinalizer(deps.writer, eip, FINALIZER, true);
      const subnet = view.get('Subnet', subnetName!) as Subnet | undefined;
      if (!subnet || !deps.ipam.subnet(subnetName!)) {
        await writeStatus(
          deps.writer,
          ctx,
          eip,
          { ready: false },
          readyCondition(false, 'Pending', `external subnet ${subnetName!} is not ready yet`),
        );
        return { requeueAfterMs: WAIT_FOR_DEPENDENCY_MS };
      }
      if (!(subnet.spec?.cidrBlock ?? '').split(',').some((c) => c.includes('.'))) {
        await writeStatus(
          deps.writer,
          ctx,
          eip,
          { ready: false },
          readyCondition(false, 'NoIPv4', `subnet ${subnetName!} does not support ipv4`),
        );
        return;
      }
      const held = eip.status?.ip;
      if (held && eip.spec?.v4ip && eip.spec.v4ip !== held) {
        await writeStatus(
          deps.writer,
          ctx,
          eip,
          {},
          readyCondition(
            false,
            'AddressChangeRefused',
            `not support eip change ip, old ip ${held}, new ip ${eip.spec.v4ip}`,
          ),
        );
        return;
      }
      // Moved to another subnet (only possible before it was ready): give the old address back.
      for (const other of deps.ipam.lookup(name)) {
        if (other.subnet === subnetName) continue;
        deps.ipam.release(other.subnet, name);
        deps.enqueue(keyOf('Subnet', other.subnet));
      }
      const request = held || eip.spec?.v4ip;
      const result = deps.ipam.allocate(subnetName!, name, request ? { ips: request } : {});
      if (!result.ok) {
        await writeStatus(
          deps.writer,
          ctx,
          eip,
          { ready: false },
          readyCondition(false, result.reason, `subnet ${subnetName!}: ${result.message}`),
        );
        return result.reason === 'NoAvailableAddress'
          ? { requeueAfterMs: BLOCKED_DELETE_RETRY_MS }
          : undefined;
      }
      if (result.changed) deps.enqueue(keyOf('Subnet', subnetName!));
      const ip = result.allocation.v4 ?? '';
      const gateway = eip.spec?.natGwDp ?? '';
      const wantLabels = { [LABEL_SUBNET]: subnetName!, [LABEL_EIP_V4_IP]: ip, [LABEL_NAT_GW_NAME]: gateway };
      const labels = labelChanges(eip, wantLabels);
      if (
        eip.spec?.v4ip !== ip ||
        (!eip.spec.macAddress && result.allocation.mac) ||
        eip.spec.externalSubnet !== subnetName
      ) {
        // Kube-OVN writes the allocation (and the defaulted subnet) back into the spec, labels in the same write.
        const spec = {
          ...eip.spec,
          natGwDp: gateway,
          v4ip: ip,
          macAddress: eip.spec?.macAddress || result.allocation.mac,
          externalSubnet: subnetName!,
        };
        const metadata = { ...eip.metadata, labels: { ...eip.metadata.labels, ...wantLabels } };
        await deps.writer.update({ ...eip, metadata, spec });
      } else if (Object.keys(labels).length) await deps.writer.patchLabels(refOf(eip), labels);
      const podName = `${workloadName(view, gateway)}-0`;
      const verdict = appliedVerdict(gatewayPod(view, gateway), `eip/${name}`, podName);
      await writeStatus(
        deps.writer,
        ctx,
        eip,
        { ip, nat: natKinds(users), ready: verdict.state === 'applied' },
        verdictCondition(verdict, `eip ${ip} is on gateway pod ${podName}`),
      );
      return;
    },
  };
}
