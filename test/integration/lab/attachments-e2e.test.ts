// OVN attachment networks in the lab with real traffic (Kube-OVN's multi-NIC pods, and its non-primary CNI mode).
// A NAD of type kube-ovn (provider attnet.att1.ovn) and a subnet `att` of that provider in its own VPC; pods m1 and m2
// on different nodes name the NAD in k8s.v1.cni.cncf.io/networks and get net1 there (10.20.0.11 and .12).
// Primary mode (`kovn up`): eth0 is kovn's (ovn-default), m1 reaches m2 over net1 across nodes, and a pod without the
// attachment cannot reach the attachment network. Secondary mode (`kovn up --cni-mode secondary`): eth0 is the
// cluster's own CNI (the reference ptp plugin, 10.244.0.0/16), kovn writes no primary annotation and no primary port,
// and net1 still carries m1 -> m2 through OVN. Each lab (temp KOVN_HOME, random id) is removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  inPodNetns,
  kubeApi,
  labDown,
  labHome,
  labUp,
  nbctlRun,
  poller,
  runningPodIp,
  skipUnlessRoot as skip,
  webPodAt,
} from '../../support/lab-e2e.ts';

const PROVIDER = 'attnet.att1.ovn';
const M1 = '10.20.0.11';
const M2 = '10.20.0.12';
const CONTROL_PLANE = 'kube-ovn-control-plane';
const WORKER = 'kube-ovn-worker';

const objects = (nadType: string): KubeObject[] => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'att1' } },
  {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'attnet', namespace: 'att1' },
    spec: {
      config: JSON.stringify({
        cniVersion: '0.3.1',
        type: nadType,
        server_socket: '/run/openvswitch/kube-ovn-daemon.sock',
        provider: PROVIDER,
      }),
    },
  },
  { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: 'vpc-att' }, spec: {} },
  {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name: 'att' },
    spec: { vpc: 'vpc-att', cidrBlock: '10.20.0.0/24', protocol: 'IPv4', provider: PROVIDER },
  },
];

/** A pod on `node` with net1 on the attachment network at `ip` (its eth0 wherever the primary network puts it). */
function multiNicPod(name: string, node: string, ip: string): KubeObject {
  const p = webPodAt({ name, namespace: 'att1', subnet: 'ovn-default', ip: '', node });
  p.metadata.annotations = {
    'k8s.v1.cni.cncf.io/networks': 'attnet',
    [`${PROVIDER}.kubernetes.io/ip_address`]: ip,
  };
  return p;
}

const eventually = poller({ ms: 90_000, every: 300 });

/** Brings a lab up with the attachment network and m1/m2; the test context the cases use. */
function attachmentLab(idPrefix: string, upArgs: string[], nadType: string) {
  const ctx = { home: '', layout: undefined as unknown as LabLayout, kc: undefined as unknown as KubeConfig };
  const api = kubeApi(() => ctx.kc);
  const ping = (pod: string, ip: string) =>
    inPodNetns(ctx.layout, 'att1', pod, ['ping', '-c', '2', '-i', '0.2', '-W', '1', ip], 20_000).status === 0;
  const addr = (pod: string, dev: string) =>
    inPodNetns(ctx.layout, 'att1', pod, ['ip', '-4', '-o', 'addr', 'show', 'dev', dev], 10_000).stdout;
  before(async () => {
    ({ home: ctx.home, layout: ctx.layout } = labHome(`kovn-${idPrefix}-`, idPrefix));
    ctx.kc = labUp(ctx.home, ctx.layout, upArgs);
    for (const o of objects(nadType)) await api.create(o);
    await api.create(multiNicPod('m1', CONTROL_PLANE, M1));
    await api.create(multiNicPod('m2', WORKER, M2));
    await runningPodIp(ctx.kc, eventually, 'att1', 'm1');
    await runningPodIp(ctx.kc, eventually, 'att1', 'm2');
  });
  after(() => {
    if (ctx.home) labDown(ctx.home, ctx.layout);
  });
  return { ctx, api, ping, addr };
}

void describe('OVN attachments in the lab (kovn primary)', { skip, timeout: 900_000 }, () => {
  const { ctx, api, ping, addr } = attachmentLab('att', [], 'kube-ovn');

  it('net1 has the requested address on the attachment subnet and m1 reaches m2 over it, across nodes', async () => {
    assert.match(addr('m1', 'net1'), new RegExp(`inet ${M1.replaceAll('.', '\\.')}/24`));
    assert.match(addr('m2', 'net1'), new RegExp(`inet ${M2.replaceAll('.', '\\.')}/24`));
    assert.match(addr('m1', 'eth0'), /inet 10\.16\./, 'eth0 is on ovn-default');
    await eventually('m1 -> m2 over net1', () => ping('m1', M2) || undefined);
    const lsps = nbctlRun(ctx.layout, ['lsp-list', 'att']).stdout;
    assert.match(lsps, new RegExp(`m1\\.att1\\.${PROVIDER.replaceAll('.', '\\.')}`));
    assert.match(lsps, new RegExp(`m2\\.att1\\.${PROVIDER.replaceAll('.', '\\.')}`));
  });

  it('a pod without the attachment does not reach the attachment network', async () => {
    const plain = webPodAt({
      name: 'plain',
      namespace: 'att1',
      subnet: 'ovn-default',
      ip: '',
      node: CONTROL_PLANE,
    });
    plain.metadata.annotations = {};
    await api.create(plain);
    await runningPodIp(ctx.kc, eventually, 'att1', 'plain');
    assert.equal(ping('plain', M2), false, 'ovn-default has no route into vpc-att');
    assert.equal(ping('m1', M2), true, 'while m1 still does');
  });
});

void describe(
  'kovn as a secondary network (kovn up --cni-mode secondary)',
  { skip, timeout: 900_000 },
  () => {
    const { ctx, api, ping, addr } = attachmentLab('sec', ['--cni-mode', 'secondary'], 'kovn');

    it("eth0 is the cluster CNI's; kovn writes no primary annotation or port; net1 carries m1 -> m2", async () => {
      assert.match(addr('m1', 'eth0'), /inet 10\.244\./, 'eth0 comes from the cluster CNI (ptp, host-local)');
      assert.match(addr('m1', 'net1'), new RegExp(`inet ${M1.replaceAll('.', '\\.')}/24`));
      const m1 = await api.get('Pod', 'm1', 'att1');
      const a = m1?.metadata.annotations ?? {};
      assert.equal(a['ovn.kubernetes.io/allocated'], undefined);
      assert.equal(a['ovn.kubernetes.io/logical_switch'], undefined);
      assert.equal(a[`${PROVIDER}.kubernetes.io/routed`], 'true');
      assert.doesNotMatch(nbctlRun(ctx.layout, ['lsp-list', 'ovn-default']).stdout, /m1\.att1/);
      await eventually('m1 -> m2 over net1', () => ping('m1', M2) || undefined);
    });
  },
);
