/**
 * Public IPAM types: what callers ask for, what they get back, and the expected failure outcomes (named after
 * Kube-OVN's IPAM errors where one exists: NoAvailableAddress, AddressConflict, AddressOutOfRange, NoSubnet,
 * CIDRInvalid).
 */
import type { Family } from '../net/ip.ts';

/** What an owner (a NIC: `pod.ns`, `pod.ns.provider`, an EIP name…) asks for. */
export interface AllocateRequest {
  /**
   * Static addresses, as in `ovn.kubernetes.io/ip_address`: "10.0.1.5", "10.0.1.5,fd00::5" or a list; a `/prefix`
   * suffix is ignored. At most one per family; a dual-stack subnet fills a missing family dynamically.
   */
  ips?: string | readonly string[] | undefined;
  /** Static MAC, as in `ovn.kubernetes.io/mac_address`. */
  mac?: string | undefined;
}

export interface Allocation {
  subnet: string;
  owner: string;
  v4?: string;
  v6?: string;
  /** The annotation value: "10.0.1.5", "fd00::5" or "10.0.1.5,fd00::5". */
  ipAddress: string;
  mac: string;
}

export type AllocateFailure =
  | { ok: false; reason: 'NoSubnet'; subnet: string; message: string }
  | { ok: false; reason: 'NoAvailableAddress'; family: Family; message: string }
  | { ok: false; reason: 'AddressConflict'; ip: string; owner: string; message: string }
  | { ok: false; reason: 'GatewayConflict'; ip: string; message: string }
  | { ok: false; reason: 'AddressOutOfRange'; ip: string; message: string }
  | { ok: false; reason: 'InvalidAddress'; message: string }
  | { ok: false; reason: 'MacConflict'; mac: string; owner: string; message: string }
  | { ok: false; reason: 'MacReserved'; mac: string; message: string }
  | { ok: false; reason: 'InvalidMac'; mac: string; message: string };

export type AllocateResult =
  | {
      ok: true;
      allocation: Allocation;
      /** False when the owner already held exactly this (idempotent repeat). */
      changed: boolean;
    }
  | AllocateFailure;

/** One existing allocation as a restarting controller reads it (pod annotations / IP objects). */
export interface ExistingAllocation {
  subnet: string;
  owner: string;
  ips: string | readonly string[];
  mac?: string | undefined;
}

/** Subnet status fields computed from IPAM, Kube-OVN's names. */
export interface SubnetIpStatus {
  v4availableIPs: number;
  v4usingIPs: number;
  v6availableIPs: number;
  v6usingIPs: number;
  v4availableIPrange: string;
  v4usingIPrange: string;
  v6availableIPrange: string;
  v6usingIPrange: string;
}

/** The same counters, exact. */
export interface SubnetIpCounts {
  v4available: bigint;
  v4using: bigint;
  v6available: bigint;
  v6using: bigint;
}
