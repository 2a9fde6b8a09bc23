/** IPAM public surface: the registry, the per-subnet allocator, range sets, Kube-OVN text formats and error names. */
export { Ipam, type IpamOptions, type RebuildReport } from './ipam.ts';
export {
  SubnetAllocator,
  type RestoreEntry,
  type RestoreIssue,
  type SubnetOptions,
  type SubnetResult,
  type UpdateResult,
} from './subnet.ts';
export {
  parseSubnetSpec,
  type FamilyConfig,
  type ParsedSubnetSpec,
  type SpecIssue,
  type SubnetSpec,
} from './subnet-spec.ts';
export { RangeSet, type Range } from './range-set.ts';
export {
  formatExcludeItems,
  formatRangeString,
  parseExcludeIps,
  parseExcludeItem,
  type ExcludeIssue,
} from './range-text.ts';
export { kubeOvnIpamError, type KubeOvnIpamError } from './errors.ts';
export { cryptoRandom, generateMac, normalizeMac, seededRandom, type RandomBytes } from './mac.ts';
export { statusPatchBody, type ComputedStatus } from './status.ts';
export type {
  AllocateFailure,
  AllocateRequest,
  AllocateResult,
  Allocation,
  ExistingAllocation,
  SubnetIpCounts,
  SubnetIpStatus,
} from './types.ts';
