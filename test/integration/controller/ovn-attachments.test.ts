// OVN attachment networks against a real NB (Kube-OVN's multi-NIC pods): a pod whose networks annotation names a NAD
// of type kube-ovn gets, beside its primary NIC, a second Logical_Switch_Port `<pod>.<ns>.<nad>.<ns>.ovn` on the subnet
// of that provider, its annotations under the provider's prefix and an IP object; deleting the pod removes both ports
// and addresses. In non-primary mode (--non-primary-cni-mode) the same pod gets only the attachment: no primary port,
// no ovn.kubernetes.io address annotations, no primary IP object.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import {
  byName,
  eventually,
  ns,
  pod,
  settled,
  startController,
  startOvn,
  subnet,
  vpc,
  type Ovn,
  type Running,
} from './reconcile-harness.ts';

const PROVIDER = 'attnet.ns1.ovn';
const nad = (type: string): KubeObject => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name: 'attnet', namespace: 'ns1' },
  spec: { config: JSON.stringify({ cniVersion: '0.3.1', type, provider: PROVIDER }) },
});
const objects = (nadType = 'kube-ovn'): KubeObject[] => [
  ns('ns1'),
  vpc('vpc1', { namespaces: ['ns1'] }),
  vpc('vpc2', {}),
  subnet('net1', { vpc: 'vpc1', cidrBlock: '10.0.1.0/24', protocol: 'IPv4', namespaces: ['ns1'] }),
  subnet('att', { vpc: 'vpc2', cidrBlock: '10.20.0.0/24', protocol: 'IPv4', provider: PROVIDER }),
  nad(nadType),
  pod('multi', 'ns1', { 'k8s.v1.cni.cncf.io/networks': 'attnet' }),
];
const key = (k: string) => `${PROVIDER}.kubernetes.io/${k}`;
const annotations = (run: Running) => run.get('Pod', 'multi', 'ns1')?.metadata.annotations ?? {};

void describe('OVN attachment networks', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  async function start(nonPrimaryCni: boolean, nadType?: string): Promise<Running> {
    const ovn: Ovn = await startOvn();
    cleanups.push(() => ovn.cleanup());
    const run = await startController(ovn, objects(nadType), 1, { nonPrimaryCni });
    cleanups.push(() => run.stop());
    return run;
  }

  test('primary mode: a second port on the attachment subnet, its annotations and IP object; all gone with the pod', async () => {
    const run = await start(false);
    await eventually(() => assert.equal(annotations(run)[key('routed')], 'true'));
    await settled(run);
    const a = annotations(run);
    assert.equal(a['ovn.kubernetes.io/logical_switch'], 'net1');
    assert.equal(a[key('logical_switch')], 'att');
    assert.equal(a[key('logical_router')], 'vpc2');
    assert.equal(a[key('cidr')], '10.20.0.0/24');
    assert.match(a[key('ip_address')] ?? '', /^10\.20\.0\.\d+$/);
    const port = byName(run.client, 'Logical_Switch_Port', `multi.ns1.${PROVIDER}`);
    assert.ok(port, 'the attachment port is in NB');
    assert.deepEqual(port.addresses, [`${a[key('mac_address')]} ${a[key('ip_address')]}`]);
    const att = byName(run.client, 'Logical_Switch', 'att');
    assert.ok(att?.ports.includes(port._uuid), 'on the attachment switch');
    assert.ok(byName(run.client, 'Logical_Switch_Port', 'multi.ns1'), 'the primary port too');
    const ip = run.get('IP', `multi.ns1.${PROVIDER}`);
    assert.equal((ip?.['spec'] as { subnet?: string } | undefined)?.subnet, 'att');
    assert.equal((ip?.['spec'] as { macAddress?: string } | undefined)?.macAddress, a[key('mac_address')]);

    run.delete('Pod', 'multi', 'ns1');
    await eventually(() => {
      assert.equal(byName(run.client, 'Logical_Switch_Port', `multi.ns1.${PROVIDER}`), undefined);
      assert.equal(byName(run.client, 'Logical_Switch_Port', 'multi.ns1'), undefined);
      assert.equal(run.get('IP', `multi.ns1.${PROVIDER}`), undefined);
    });
    assert.deepEqual(run.controller.ipam.lookup(`multi.ns1.${PROVIDER}`), []);
  });

  test('a NAD that is not of type kube-ovn gives no port; changing it to kube-ovn attaches the running pod', async () => {
    const run = await start(false, 'macvlan');
    await eventually(() => assert.equal(annotations(run)['ovn.kubernetes.io/routed'], 'true'));
    await settled(run);
    assert.equal(byName(run.client, 'Logical_Switch_Port', `multi.ns1.${PROVIDER}`), undefined);
    assert.equal(annotations(run)[key('ip_address')], undefined);
    run.set(nad('kube-ovn'));
    await eventually(() => assert.ok(byName(run.client, 'Logical_Switch_Port', `multi.ns1.${PROVIDER}`)));
  });

  test('non-primary mode: only the attachment; no primary port, address annotations or IP object', async () => {
    const run = await start(true);
    await eventually(() => assert.equal(annotations(run)[key('routed')], 'true'));
    await settled(run);
    const a = annotations(run);
    for (const k of ['allocated', 'ip_address', 'mac_address', 'logical_switch', 'routed'])
      assert.equal(a[`ovn.kubernetes.io/${k}`], undefined, k);
    assert.equal(byName(run.client, 'Logical_Switch_Port', 'multi.ns1'), undefined);
    assert.equal(run.get('IP', 'multi.ns1'), undefined);
    assert.deepEqual(run.controller.ipam.lookup('multi.ns1'), []);
    assert.ok(byName(run.client, 'Logical_Switch_Port', `multi.ns1.${PROVIDER}`));
    // A pod without attachments is left alone entirely.
    run.set(pod('plain', 'ns1'));
    await settled(run);
    assert.deepEqual(run.get('Pod', 'plain', 'ns1')?.metadata.annotations, {});
    assert.equal(byName(run.client, 'Logical_Switch_Port', 'plain.ns1'), undefined);
  });
});
