/**
 * IptablesEIP reconciler (Kube-OVN's pkg/controller/vpc_nat_gw_eip.go). Absent or deleting: while rules still name
 * the EIP, keep the finalizer and say which rules (`Ready=False`, reason `InUse`, an Event), looked at again when
 * they go; then release the address and drop the finalizer. Otherwise: add the finalizer, allocate the address from
 * the external subnet's IPAM (the fixed `v4ip`/`v6ip`, else the lowest free ones, one per family of the subnet;
 * owner = the EIP name; never changed once allocated), label it (`subnet`, `eip_v4_ip`, `vpc-nat-gw-name`), fill `spec.v4ip`/`v6ip`/`macAddress`/
 * `externalSubnet`/`namespace` as Kube-OVN does, and write the status: `ip`, `v6ip` (kovn's), `nat` (the kinds of the rules using
 * it, `dnat,fip,snat` order) and `ready` from the gateway agent's report. The external subnet is enqueued whenever
 * its counters change. The steps here are the I/O (IPAM, writes); what they write is decided in eip-plan.ts.
 */
import type { IptablesEip } from '../../../api/kinds/iptables-eip.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import type { AllocateRequest, AllocateResult } from '../../../ipam/index.ts';
import { keyOf } from '../../../kube/queue/keys.ts';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../../kube/reconciler.ts';
import { refOf, type ObjectWriter } from '../../../kube/writer.ts';
import { BLOCKED_DELETE_RETRY_MS, type NetworkDeps } from '../deps.ts';
import {
  allocationRefusal,
  eipInUse,
  eipPrecondition,
  eipRequest,
  eipStatus,
  eipWriteBack,
  type EipWriteBack,
} from './eip-plan.ts';
import { finalizedReconciler } from './finalized.ts';
import { externalSubnetOf, rulesOfEip, workloadNamespace } from './names.ts';
import { writeNotReady, writeStatus } from './status.ts';
import { eipWatches } from './watches.ts';

export function eipReconciler(deps: NetworkDeps): Reconciler {
  return finalizedReconciler<IptablesEip>(deps.writer, {
    kind: 'IptablesEIP',
    watches: eipWatches,
    release: (eip, ctx) => releaseEip(deps, eip, ctx),
    converge: (eip, ctx) => convergeEip(deps, eip, ctx),
  });
}

/** Going: blocked while rules name it (InUse), else every address it holds goes back to its subnet. */
async function releaseEip(
  deps: NetworkDeps,
  eip: IptablesEip | undefined,
  ctx: ReconcileContext,
): Promise<{ requeueAfterMs: number } | undefined> {
  const name = ctx.ref.name;
  const users = rulesOfEip(ctx.view, name);
  if (eip && users.length) {
    await writeStatus(deps.writer, ctx, eip, { ready: false }, eipInUse(name, users));
    return { requeueAfterMs: BLOCKED_DELETE_RETRY_MS };
  }
  for (const { subnet } of deps.ipam.lookup(name)) releaseAddress(deps, subnet, name);
  return undefined;
}

/** Live: check its subnet, allocate (or keep) its address, write it back, then the status. */
async function convergeEip(
  deps: NetworkDeps,
  eip: IptablesEip,
  ctx: ReconcileContext,
): Promise<ReconcileResult> {
  const subnetName = externalSubnetOf(eip, ctx.view);
  const subnet = ctx.view.get('Subnet', subnetName) as Subnet | undefined;
  const gateway = ctx.view.get('VpcNatGateway', eip.spec?.natGwDp ?? '') as VpcNatGateway | undefined;
  const subnetInIpam = deps.ipam.subnet(subnetName) !== undefined;
  const waiting = eipPrecondition(eip, { subnetName, subnet, subnetInIpam, gateway });
  if (waiting) return writeNotReady(deps.writer, ctx, eip, waiting);
  const result = allocateEip(deps, ctx.ref.name, subnetName, eipRequest(eip));
  if (!result.ok) return writeNotReady(deps.writer, ctx, eip, allocationRefusal(result, subnetName));
  const plan = eipWriteBack(eip, subnetName, result.allocation, workloadNamespace(gateway));
  await writeBack(deps.writer, eip, plan);
  const { fields, condition } = eipStatus(ctx.view, eip, result.allocation.v4 ?? '', result.allocation.v6);
  await writeStatus(deps.writer, ctx, eip, fields, condition);
  return;
}

function releaseAddress(deps: NetworkDeps, subnet: string, owner: string): void {
  deps.ipam.release(subnet, owner);
  deps.enqueue(keyOf('Subnet', subnet));
}

/** An address held in another subnet (moved before it was ready) goes back first; then this subnet allocates. */
function allocateEip(
  deps: NetworkDeps,
  name: string,
  subnet: string,
  request: AllocateRequest,
): AllocateResult {
  for (const other of deps.ipam.lookup(name))
    if (other.subnet !== subnet) releaseAddress(deps, other.subnet, name);
  const result = deps.ipam.allocate(subnet, name, request);
  if (result.ok && result.changed) deps.enqueue(keyOf('Subnet', subnet));
  return result;
}

async function writeBack(writer: ObjectWriter, eip: IptablesEip, plan: EipWriteBack): Promise<void> {
  if (plan.write === 'update') await writer.update(plan.eip);
  else if (plan.write === 'labels') await writer.patchLabels(refOf(eip), plan.labels);
}
