// The Warning Event of a pod that cannot have an address, in Kube-OVN's words: `AcquireAddressFailed` with
// `stage=acquireAddress error=<Kube-OVN's IPAM error name>` first (every clash is AddressConflict, as Kube-OVN's
// e2e tests grep for it), kovn's detail after; `ValidatePodNetworkFailed` with util.ValidatePodNetwork's texts
// (pkg/util/validator_test.go: "10.244.000.0/16 is not a valid ovn.kubernetes.io/ip_address"), several joined as
// Go's error aggregate joins them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllocateFailure } from '../../../../src/ipam/index.ts';
import {
  acquireAddressFailed,
  podNetworkRefusal,
} from '../../../../src/controller/reconcilers/pod-address-events.ts';

const IP = 'ovn.kubernetes.io/ip_address';
const MAC = 'ovn.kubernetes.io/mac_address';

describe('pod address events', () => {
  it("names IPAM's refusal as Kube-OVN does, kovn's detail after it", () => {
    const cases: [AllocateFailure, string][] = [
      [
        { ok: false, reason: 'NoAvailableAddress', family: 4, message: 'no free IPv4 address' },
        'stage=acquireAddress error=NoAvailableAddress (subnet s1: no free IPv4 address)',
      ],
      [
        { ok: false, reason: 'AddressConflict', ip: '10.0.0.5', owner: 'b.ns', message: 'taken by b.ns' },
        'stage=acquireAddress error=AddressConflict (subnet s1: taken by b.ns)',
      ],
      [
        { ok: false, reason: 'GatewayConflict', ip: '10.0.0.1', message: 'the gateway' },
        'stage=acquireAddress error=AddressConflict (subnet s1: the gateway)',
      ],
      [
        { ok: false, reason: 'MacConflict', mac: 'm', owner: 'b.ns', message: 'mac taken' },
        'stage=acquireAddress error=AddressConflict (subnet s1: mac taken)',
      ],
      [
        { ok: false, reason: 'MacReserved', mac: 'm', message: 'router mac' },
        'stage=acquireAddress error=AddressConflict (subnet s1: router mac)',
      ],
      [
        { ok: false, reason: 'AddressOutOfRange', ip: '10.9.0.1', message: 'out of range' },
        'stage=acquireAddress error=AddressOutOfRange (subnet s1: out of range)',
      ],
      [
        { ok: false, reason: 'NoSubnet', subnet: 's1', message: 'no subnet s1' },
        'stage=acquireAddress error=NoSubnet (subnet s1: no subnet s1)',
      ],
      [
        { ok: false, reason: 'InvalidAddress', message: 'at most one IPv4 address may be requested' },
        'stage=acquireAddress error=at most one IPv4 address may be requested (subnet s1)',
      ],
    ];
    for (const [failure, want] of cases) {
      assert.deepEqual(
        acquireAddressFailed('s1', failure),
        { reason: 'AcquireAddressFailed', message: want },
        failure.reason,
      );
    }
  });

  it("refuses malformed ip_address and mac_address annotations with util.ValidatePodNetwork's texts", () => {
    const cases: [string, Record<string, string>, string | undefined][] = [
      ['none', {}, undefined],
      ['an address', { [IP]: '10.0.1.5' }, undefined],
      ['dual stack, with prefixes', { [IP]: '10.0.1.5/24,fd00::5/120' }, undefined],
      ['an empty item is skipped, as IPAM skips it', { [IP]: '10.0.1.5,' }, undefined],
      ['a MAC', { [MAC]: '0A:00:00:00:00:05' }, undefined],
      ['a short address', { [IP]: '10.0.1' }, `10.0.1 is not a valid ${IP}`],
      ['a bad prefix', { [IP]: '10.0.1.5/33' }, `10.0.1.5/33 is not a valid ${IP}`],
      ["Kube-OVN's own case", { [IP]: 'fd00:10:244:0:2::::' }, `fd00:10:244:0:2:::: is not a valid ${IP}`],
      ['a bad MAC', { [MAC]: '0a:00:00' }, `0a:00:00 is not a valid ${MAC}`],
      [
        'several: Go aggregate text',
        { [IP]: 'x,10.0.1.5,y', [MAC]: 'm' },
        `[x is not a valid ${IP}, y is not a valid ${IP}, m is not a valid ${MAC}]`,
      ],
      ['the same error twice: once', { [IP]: 'x,x' }, `x is not a valid ${IP}`],
    ];
    for (const [name, annotations, want] of cases) {
      const got = podNetworkRefusal(annotations);
      assert.deepEqual(got, want && { reason: 'ValidatePodNetworkFailed', message: want }, name);
    }
  });
});
