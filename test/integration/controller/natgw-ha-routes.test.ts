// An HA NAT gateway (replicas 2, ADR 37) over in-memory informers and a real NB (reconcile-harness.ts): the
// StatefulSet has two replicas and the required anti-affinity; its pods (made from the rendered template, as the
// StatefulSet controller would) get their own LAN addresses from the controller's IPAM; the VPC's router gets one
// reroute policy per internal CIDR (Kube-OVN's priority 29200) to the active instance, tagged as the gateway's,
// after the per-subnet allow policies (31000) that keep intra-VPC traffic direct; the route moves when the
// active instance stops being ready and stays put when it comes back (no fail-back); the VPC's own routes are not
// touched; deleting the gateway removes its routes. Each instance's kovn.io/vpc-nat-gw-role says which one is
// active (it alone holds the EIPs), and follows the routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.ts';
import {
  eventually,
  externalNetwork,
  kubeovn,
  natGatewayConfigMaps,
  rows,
  seed,
  startController,
  startOvn,
} from './reconcile-harness.ts';

interface Template {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

/** Pod `<sts>-<ordinal>` from the StatefulSet's template, bound to a node, Running and Ready or not. */
function instancePod(sts: KubeObject, ordinal: number, ready: boolean): KubeObject {
  const template = (sts['spec'] as { template: Template }).template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${sts.metadata.name ?? ''}-${ordinal}`,
      namespace: 'kube-system',
      labels: template.metadata.labels,
      annotations: template.metadata.annotations,
    },
    spec: { ...template.spec, nodeName: `node${ordinal}` },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

void test(
  'HA gateway: instances with their own addresses, VPC routes to the active one',
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
        replicas: 2,
        internalSubnets: ['net1'],
        internalCIDRs: ['172.16.5.0/24'],
        externalSubnets: ['ovn-vpc-external-network'],
      }),
    ];
    const running = await startController(ovn, objects);
    t.after(() => running.stop());

    const sts = await eventually(() => {
      const found = running.get('StatefulSet', 'vpc-nat-gw-gw1', 'kube-system');
      assert.ok(found);
      return found;
    });
    const spec = sts['spec'] as { replicas: number; template: Template };
    assert.equal(spec.replicas, 2);
    assert.equal(spec.template.metadata.annotations['ovn.kubernetes.io/ip_address'], undefined);
    assert.deepEqual(spec.template.spec['affinity'], {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: spec.template.metadata.labels },
            topologyKey: 'kubernetes.io/hostname',
          },
        ],
      },
    });

    running.set(instancePod(sts, 0, true));
    running.set(instancePod(sts, 1, true));
    const ipOf = (ordinal: number) =>
      running.get('Pod', `vpc-nat-gw-gw1-${ordinal}`, 'kube-system')?.metadata.annotations?.[
        'ovn.kubernetes.io/ip_address'
      ] ?? '';
    const [ip0, ip1] = await eventually(() => {
      const ips: [string, string] = [ipOf(0), ipOf(1)];
      assert.ok(
        ips.every((ip) => ip.startsWith('10.0.1.')),
        `addresses from net1's IPAM: ${ips.join(' ')}`,
      );
      return ips;
    });
    assert.notEqual(ip0, ip1);

    const ours = () =>
      rows(running.client, 'Logical_Router_Policy')
        .filter((r) => r.external_ids['kovn-owner'] === 'natgw/gw1')
        .map((r) => `${r.priority} ${r.match} ${r.action} ${r.nexthops.join(',')}`)
        .sort();
    const onRouter = () => {
      const router = rows(running.client, 'Logical_Router').find((r) => r.name === 'test-vpc-1');
      const uuids = new Set(router?.policies ?? []);
      const policies = rows(running.client, 'Logical_Router_Policy').filter((r) => uuids.has(r._uuid));
      return {
        ours: policies.filter((r) => r.external_ids['kovn-owner'] === 'natgw/gw1').length,
        // The per-subnet allows that keep traffic to the VPC's own subnets direct rank above ours.
        allowAbove: policies.some(
          (r) => r.action === 'allow' && r.priority > 29200 && r.match === 'ip4.dst == 10.0.1.0/24',
        ),
      };
    };
    const via = (ip: string) => [
      `29200 ip4.src == 10.0.1.0/24 reroute ${ip}`,
      `29200 ip4.src == 172.16.5.0/24 reroute ${ip}`,
    ];
    const roles = () =>
      [0, 1].map(
        (o) =>
          running.get('Pod', `vpc-nat-gw-gw1-${o}`, 'kube-system')?.metadata.annotations?.[
            'kovn.io/vpc-nat-gw-role'
          ],
      );
    await eventually(() => assert.deepEqual(ours(), via(ip0)));
    await eventually(() => assert.deepEqual(roles(), ['active', 'standby']));
    assert.deepEqual(onRouter(), { ours: 2, allowAbove: true }, 'the policies are on the VPC router');
    const status = () => (running.get('VpcNatGateway', 'gw1')?.['status'] ?? {}) as Record<string, unknown>;
    await eventually(() => assert.equal(status()['lanIp'], [ip0, ip1].sort().join(',')));
    assert.deepEqual((status()['workload'] as { nodes: string[] }).nodes, ['node0', 'node1']);
    const vpcRoutes = () =>
      rows(running.client, 'Logical_Router_Static_Route').filter(
        (r) => r.external_ids['kovn-owner'] === 'vpc/test-vpc-1',
      ).length;
    assert.equal(vpcRoutes(), 2, "the VPC's own static routes stay");

    // The active instance stops being ready: the routes move to the other; back again, they stay (no fail-back).
    running.set({
      ...running.get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system')!,
      status: instancePod(sts, 0, false)['status'],
    });
    await eventually(() => assert.deepEqual(ours(), via(ip1)));
    await eventually(() => assert.deepEqual(roles(), ['standby', 'active']));
    running.set({
      ...running.get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system')!,
      status: instancePod(sts, 0, true)['status'],
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(ours(), via(ip1));
    assert.deepEqual(roles(), ['standby', 'active'], 'no fail-back of the role either');

    // No instance live: no route (traffic is not sent to a dead next hop).
    for (const ordinal of [0, 1]) {
      const p = running.get('Pod', `vpc-nat-gw-gw1-${ordinal}`, 'kube-system')!;
      running.set({ ...p, status: instancePod(sts, ordinal, false)['status'] });
    }
    await eventually(() => assert.deepEqual(ours(), []));
    await eventually(() => assert.deepEqual(roles(), ['standby', 'standby']));
    running.set({
      ...running.get('Pod', 'vpc-nat-gw-gw1-0', 'kube-system')!,
      status: instancePod(sts, 0, true)['status'],
    });
    await eventually(() => assert.equal(ours().length, 2));

    // The gateway goes: its routes go with it; the VPC's stay.
    running.delete('VpcNatGateway', 'gw1');
    await eventually(() => assert.deepEqual(ours(), []));
    await eventually(() => assert.equal(running.get('VpcNatGateway', 'gw1'), undefined));
    assert.equal(vpcRoutes(), 2);
  },
);
