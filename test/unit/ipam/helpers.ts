// Shared helpers for the IPAM tests: building allocators deterministically and reading outcomes.
import assert from 'node:assert/strict';
import { seededRandom, type RandomBytes } from '../../../src/ipam/mac.ts';
import { SubnetAllocator } from '../../../src/ipam/subnet.ts';
import type { SubnetSpec } from '../../../src/ipam/subnet-spec.ts';
import type { AllocateResult, Allocation } from '../../../src/ipam/types.ts';

export function subnet(
  spec: Partial<SubnetSpec> & { cidrBlock: string },
  random: RandomBytes = seededRandom(1),
): SubnetAllocator {
  const created = SubnetAllocator.create({ name: 'net1', ...spec }, { random });
  assert.ok(created.ok, `subnet ${spec.cidrBlock} should be valid`);
  return created.subnet;
}

export function ok(result: AllocateResult): Allocation {
  assert.ok(result.ok, `expected an allocation, got ${JSON.stringify(result)}`);
  return result.allocation;
}

/** The reason of a failed allocation, or the allocated ipAddress. */
export const outcome = (result: AllocateResult): string =>
  result.ok ? result.allocation.ipAddress : result.reason;

/** Random bytes from a fixed list, repeating the last one. */
export function scriptedRandom(...macs: number[][]): RandomBytes {
  let i = 0;
  return () => Uint8Array.from(macs[Math.min(i++, macs.length - 1)]!);
}
