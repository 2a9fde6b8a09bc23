// NAT reconcilers over in-memory informers and a real NB (reconcile-harness.ts), for the paths the API server's
// admission keeps kubectl users away from: an EIP deleted while a rule uses it keeps its finalizer and says which
// rule until the rule goes; two FIPs / two identical DNATs on one EIP (created past admission, as Kube-OVN's e2e
// does without its webhook): the older keeps it, the newer is not ready with the reason; and a restarted controller
// converges with zero writes; enable-vpc-nat-gw switched off removes the workload and keeps the CR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import {
  eventually,
  externalNetwork,
  kubeovn,
  natGatewayConfigMaps,
  seed,
  settled,
  startController,
  startOvn,
} from './reconcile-harness.ts';

const at = (obj: KubeObject, creationTimestamp: string): KubeObject => ({
  ...obj,
  metadata: { ...obj.metadata, creationTimestamp },
});
const status = (o: KubeObject | undefined) => (o?.['status'] ?? {}) as Record<string, unknown>;
const ready = (o: KubeObject | undefined) =>
  ((status(o)['conditions'] ?? []) as { type: string; reason: string; message: string }[]).find(
    (c) => c.type === 'Ready',
  );

void test(
  'NAT reconcilers: blocked EIP deletion, conflicts, restart without writes',
  { timeout: 120_000 },
  async (t) => {
    const ovn = await startOvn();
    t.after(() => ovn.cleanup());
    const objects = [
      ...seed().filter((o) => o.kind !== 'Pod'),
      ...natGatewayConfigMaps(),
      externalNetwork(),
      kubeovn('VpcNatGateway', 'gw1', {
        vpc: 'test-vpc-1',
        subnet: 'net1',
        lanIp: '10.0.1.254',
        externalSubnets: ['ovn-vpc-external-network'],
      }),
      kubeovn('IptablesEIP', 'e1', { natGwDp: 'gw1' }),
      kubeovn('IptablesEIP', 'e2', { natGwDp: 'gw1', v4ip: '192.168.0.50' }),
      at(kubeovn('IptablesEIP', 'e3', { natGwDp: 'gw1', v4ip: '192.168.0.50' }), '2026-01-03T00:00:00Z'),
      at(
        kubeovn('IptablesFIPRule', 'fip-old', { eip: 'e1', internalIp: '10.0.1.5' }),
        '2026-01-01T00:00:00Z',
      ),
      at(
        kubeovn('IptablesFIPRule', 'fip-new', { eip: 'e1', internalIp: '10.0.1.6' }),
        '2026-01-02T00:00:00Z',
      ),
      at(
        kubeovn('IptablesDnatRule', 'd-old', {
          eip: 'e2',
          externalPort: '80',
          protocol: 'tcp',
          internalIp: '10.0.1.7',
          internalPort: '80',
        }),
        '2026-01-01T00:00:00Z',
      ),
      at(
        kubeovn('IptablesDnatRule', 'd-new', {
          eip: 'e2',
          externalPort: '80',
          protocol: 'TCP',
          internalIp: '10.0.1.8',
          internalPort: '80',
        }),
        '2026-01-02T00:00:00Z',
      ),
      at(
        kubeovn('IptablesSnatRule', 's1', { eip: 'e2', internalCIDR: '10.0.1.0/24' }),
        '2026-01-01T00:00:00Z',
      ),
    ];
    let running = await startController(ovn, objects);
    t.after(() => running.stop());

    await eventually(() => assert.equal(status(running.get('IptablesEIP', 'e1'))['ip'], '192.168.0.11'));
    await eventually(() => assert.equal(status(running.get('IptablesEIP', 'e2'))['ip'], '192.168.0.50'));
    await eventually(() => assert.equal(status(running.get('IptablesEIP', 'e2'))['nat'], 'dnat,snat'));
    await eventually(() =>
      assert.equal(status(running.get('Subnet', 'ovn-vpc-external-network'))['v4usingIPs'], 2),
    );
    // A fixed address another EIP holds: refused with the holder, no address.
    await eventually(() => assert.equal(ready(running.get('IptablesEIP', 'e3'))?.reason, 'AddressConflict'));
    assert.match(ready(running.get('IptablesEIP', 'e3'))!.message, /192\.168\.0\.50/);
    assert.equal(status(running.get('IptablesEIP', 'e3'))['ip'], undefined);
    // The older FIP keeps e1; the newer says why it is not ready.
    await eventually(() =>
      assert.equal(ready(running.get('IptablesFIPRule', 'fip-new'))?.reason, 'Conflict'),
    );
    assert.match(ready(running.get('IptablesFIPRule', 'fip-new'))!.message, /used by the other fip fip-old/);
    assert.equal(ready(running.get('IptablesFIPRule', 'fip-old'))?.reason, 'Pending');
    // The same DNAT identity (protocol case aside) twice: the newer is refused; SNAT shares e2 without conflict.
    await eventually(() => assert.equal(ready(running.get('IptablesDnatRule', 'd-new'))?.reason, 'Conflict'));
    assert.match(ready(running.get('IptablesDnatRule', 'd-new'))!.message, /is already used by dnat d-old/);
    assert.equal(ready(running.get('IptablesSnatRule', 's1'))?.reason, 'Pending');
    // The StatefulSet was rendered for the gateway.
    await eventually(() => assert.ok(running.get('StatefulSet', 'vpc-nat-gw-gw1', 'kube-system')));

    // Restart: IPAM rebuilt from the EIP statuses; nothing to write.
    await settled(running);
    await running.stop();
    const snapshot = running.objects();
    running = await startController(ovn, snapshot);
    await settled(running, 1_000);
    assert.equal(running.writer.writes, 0, 'a restarted controller converges with zero writes');
    assert.equal(status(running.get('IptablesEIP', 'e1'))['ip'], '192.168.0.11');

    // The older rule's spec moves it off the shared identity: its rival is looked at again and is no longer in
    // conflict; deleting the older FIP frees e1 for the newer one. (Status writes alone do not re-check rivals.)
    const dOld = running.get('IptablesDnatRule', 'd-old')!;
    running.set({ ...dOld, spec: { ...(dOld.spec as object), externalPort: '8081' } });
    await eventually(() => assert.equal(ready(running.get('IptablesDnatRule', 'd-new'))?.reason, 'Pending'));
    running.set(dOld);
    await eventually(() => assert.equal(ready(running.get('IptablesDnatRule', 'd-new'))?.reason, 'Conflict'));
    running.delete('IptablesFIPRule', 'fip-old');
    await eventually(() => assert.equal(ready(running.get('IptablesFIPRule', 'fip-new'))?.reason, 'Pending'));

    // Deleting e2 while d-old, d-new and s1 use it: finalizer kept, the reason names them.
    running.delete('IptablesEIP', 'e2');
    await eventually(() => assert.equal(ready(running.get('IptablesEIP', 'e2'))?.reason, 'InUse'));
    assert.match(ready(running.get('IptablesEIP', 'e2'))!.message, /dnat\/d-new, dnat\/d-old, snat\/s1/);
    assert.ok(running.get('IptablesEIP', 'e2')?.metadata.finalizers?.length);
    for (const [kind, name] of [
      ['IptablesDnatRule', 'd-old'],
      ['IptablesDnatRule', 'd-new'],
      ['IptablesSnatRule', 's1'],
    ] as const)
      running.delete(kind, name);
    await eventually(() => assert.equal(running.get('IptablesEIP', 'e2'), undefined), 30_000);

    // The feature switched off: the StatefulSet goes, the CR stays, not ready with the reason; on again: back.
    const enable = (value: string): KubeObject => ({
      ...natGatewayConfigMaps()[1]!,
      data: { 'enable-vpc-nat-gw': value },
    });
    running.set(enable('false'));
    await eventually(() =>
      assert.equal(running.get('StatefulSet', 'vpc-nat-gw-gw1', 'kube-system'), undefined),
    );
    await eventually(() =>
      assert.equal(ready(running.get('VpcNatGateway', 'gw1'))?.reason, 'NatGwNotEnabled'),
    );
    running.set(enable('true'));
    await eventually(() => assert.ok(running.get('StatefulSet', 'vpc-nat-gw-gw1', 'kube-system')));
    // e2's address released: e3, which asked for it, gets it now; the subnet counts e1 and e3.
    await eventually(() => assert.equal(status(running.get('IptablesEIP', 'e3'))['ip'], '192.168.0.50'));
    await eventually(() =>
      assert.equal(status(running.get('Subnet', 'ovn-vpc-external-network'))['v4usingIPs'], 2),
    );
  },
);
