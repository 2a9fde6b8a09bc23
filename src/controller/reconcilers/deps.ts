/**
 * What the network reconcilers share: the NB session, the IPAM registry, the Kubernetes writer, a way to enqueue other
 * keys (a pod releasing an address refreshes its subnet's status), injected randomness (router-port MACs), the
 * default-network names, and the memoized subnet catalog and pending-pod index the hot paths read.
 */
import type { Ipam, RandomBytes } from '../../ipam/index.ts';
import type { DefaultNetworkOptions } from '../../api/default-network.ts';
import type { NbSession } from '../nb/send.ts';
import type { ObjectWriter } from '../../kube/writer.ts';
import type { IpamBootstrap } from './bootstrap.ts';
import type { PendingPods } from './pending-pods.ts';
import type { SubnetCatalog } from './subnet-catalog.ts';
import type { ObjectApplier } from '../../kube/applier.ts';

export interface NetworkDeps {
  nb: NbSession;
  ipam: Ipam;
  writer: ObjectWriter;
  enqueue(key: string, afterMs?: number): void;
  random: RandomBytes;
  network: DefaultNetworkOptions;
  /**
   * Kube-OVN's `--non-primary-cni-mode`: the cluster's own CNI gives pods their primary network, so pods get only the
   * NICs of their attachments (no primary address, port or `ovn.kubernetes.io/` annotations).
   */
  nonPrimaryCni?: boolean;
  /** Rebuilds IPAM from the caches once, before the first reconcile that needs it. */
  bootstrap: IpamBootstrap;
  /** Defaulted subnets and each namespace's subnets, memoized over the informers. */
  catalog: SubnetCatalog;
  /** Pods waiting for their port, by namespace and pinned subnet. */
  pendingPods: PendingPods;
  /** With it, the Service, SwitchLBRule and VpcDns reconcilers run too (src/controller/services). */
  services?: ServiceOptions;
}

export interface ServiceOptions {
  applier: ObjectApplier;
  /** The API server address a VpcDns pod's second NIC routes to, when the ConfigMap names none. */
  apiServerHost?: string;
}

/** How long a key waits for something another reconcile creates (a router, a switch) before looking again. */
export const WAIT_FOR_DEPENDENCY_MS = 1_000;
/** How often a blocked deletion (VPC with subnets, subnet with addresses) is looked at again. */
export const BLOCKED_DELETE_RETRY_MS = 5_000;
