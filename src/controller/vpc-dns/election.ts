/**
 * "Exactly one active VpcDns per VPC" (the intent of Kube-OVN's pkg/controller/vpc_dns.go, whose code ends up
 * marking every one active; ADR 16), decided the same way by every reconcile from the same cache, so concurrent
 * reconciles of two VpcDns of one VPC agree: among the eligible VpcDns of the VPC (not being deleted, their subnet
 * in that VPC), one already marked active keeps the role (the oldest of them if several claim it); otherwise the
 * oldest by creation time, then by name. Deleting the active one makes the next oldest win. Pure.
 */
import type { VpcDns } from '../../api/kinds/vpc-dns.ts';

const byAge = (a: VpcDns, b: VpcDns): number =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
  (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** The name of the VpcDns that serves the VPC, or undefined when none is eligible. */
export function electActive(eligible: readonly VpcDns[]): string | undefined {
  const sorted = [...eligible].sort(byAge);
  const incumbent = sorted.find((d) => d.status?.active === true);
  return (incumbent ?? sorted[0])?.metadata.name;
}

/** The VpcDns objects (not being deleted) that name this VPC. */
export function peersOf(all: readonly VpcDns[], vpc: string): VpcDns[] {
  return all.filter((d) => !d.metadata.deletionTimestamp && d.spec?.vpc === vpc);
}
