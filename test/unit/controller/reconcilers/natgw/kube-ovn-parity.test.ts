// What Kube-OVN users read back from the NAT gateway kinds, pinned case by case against Kube-OVN's own code and
// e2e tests (kubeovn/kube-ovn: test/e2e/iptables-vpc-nat-gw/e2e_test.go, pkg/controller/vpc_nat_gw_eip.go,
// vpc_nat_gw_nat.go, vpc_nat_gateway.go, pkg/util/k8s.go, pkg/util/vpc_nat_gateway.go): finalizers (the old name
// migrated), the EIP's labels and spec write-back, its `status.nat`, the rule statuses and labels (a conflict's
// loser unlabelled), the gateway's labels, status and workload. The deliberate differences are in ADR 13.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IptablesEip } from '../../../../../src/api/kinds/iptables-eip.ts';
import type { VpcNatGateway } from '../../../../../src/api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../../../../../src/api/types.ts';
import type { ReconcileContext } from '../../../../../src/kube/reconciler.ts';
import type { ObjectWriter } from '../../../../../src/kube/writer.ts';
import type { NetworkDeps } from '../../../../../src/controller/reconcilers/deps.ts';
import { wantedFinalizers } from '../../../../../src/controller/reconcilers/natgw/finalized.ts';
import {
  eipRequest,
  eipStatus,
  eipWriteBack,
} from '../../../../../src/controller/reconcilers/natgw/eip-plan.ts';
import { recordedEips } from '../../../../../src/controller/reconcilers/natgw/names.ts';
import { ruleReconciler } from '../../../../../src/controller/reconcilers/natgw/rule.ts';
import {
  gatewayLabels,
  gatewayStatus,
  statefulSetReady,
} from '../../../../../src/controller/reconcilers/natgw/gateway-plan.ts';
import { renderGatewayWorkload } from '../../../../../src/controller/reconcilers/natgw/gateway-workload.ts';
import { kubeovn, memoryView } from '../../../../support/objects.ts';

const NEW = 'kubeovn.io/kube-ovn-controller';
const OLD = 'kube-ovn-controller';
const at = (obj: KubeObject, creationTimestamp: string): KubeObject => ({
  ...obj,
  metadata: { ...obj.metadata, creationTimestamp },
});

describe('finalizers (handleAdd/DelIptablesEipFinalizer: the deprecated name replaced, both removed)', () => {
  const cases: { name: string; current: string[]; live: boolean; want: string[] }[] = [
    { name: 'live, none: ours (e2e [3]: Finalizers contain it)', current: [], live: true, want: [NEW] },
    { name: 'live, the deprecated one: replaced', current: [OLD], live: true, want: [NEW] },
    { name: 'live, both: the deprecated one goes', current: [NEW, OLD], live: true, want: [NEW] },
    { name: 'live, another and ours: unchanged', current: ['x', NEW], live: true, want: ['x', NEW] },
    {
      name: 'going: ours and the deprecated one removed',
      current: [OLD, 'x', NEW],
      live: false,
      want: ['x'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(wantedFinalizers(c.current, c.live), c.want));
});

describe('IptablesEIP write-back (createOrUpdateEipCR)', () => {
  const eip = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): IptablesEip =>
    kubeovn('IptablesEIP', 'e1', { natGwDp: 'gw1', ...spec }, { status });
  const alloc = { v4: '192.168.0.11', mac: '00:00:00:aa:bb:cc' };
  const cases: {
    name: string;
    eip: IptablesEip;
    allocation: { v4: string; v6?: string; mac: string };
    spec?: Record<string, unknown>;
  }[] = [
    {
      name: 'a new EIP: v4ip, mac, externalSubnet and the gateway namespace filled (e2e [1]: auto-backfill)',
      eip: eip({}),
      allocation: alloc,
      spec: {
        natGwDp: 'gw1',
        v4ip: '192.168.0.11',
        macAddress: alloc.mac,
        externalSubnet: 'ovn-vpc-external-network',
        namespace: 'gw-ns',
      },
    },
    {
      name: 'spec.namespace given: kept (e2e [1]: IptablesEIP with spec.namespace)',
      eip: eip({ namespace: 'mine' }),
      allocation: alloc,
      spec: {
        natGwDp: 'gw1',
        namespace: 'mine',
        v4ip: '192.168.0.11',
        macAddress: alloc.mac,
        externalSubnet: 'ovn-vpc-external-network',
      },
    },
    {
      name: 'a dual-stack subnet: v6ip written too (Spec.V6ip = v6ip)',
      eip: eip({}),
      allocation: { ...alloc, v6: 'fd00::11' },
      spec: {
        natGwDp: 'gw1',
        v4ip: '192.168.0.11',
        v6ip: 'fd00::11',
        macAddress: alloc.mac,
        externalSubnet: 'ovn-vpc-external-network',
        namespace: 'gw-ns',
      },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const plan = eipWriteBack(c.eip, 'ovn-vpc-external-network', c.allocation, 'gw-ns');
      assert.equal(plan.write, 'update');
      if (plan.write !== 'update') return;
      assert.deepEqual(plan.eip.spec, c.spec);
      // e2e [2]: "share eip should has the external ip label" (EipV4IpLabel = Spec.V4ip), with subnet and gateway.
      assert.deepEqual(plan.eip.metadata.labels, {
        'ovn.kubernetes.io/subnet': 'ovn-vpc-external-network',
        'ovn.kubernetes.io/eip_v4_ip': '192.168.0.11',
        'ovn.kubernetes.io/vpc-nat-gw-name': 'gw1',
      });
    });
  it('a ready EIP is not rewritten for a namespace or v6ip it lacks (Kube-OVN fills them while allocating)', () => {
    const ready = kubeovn(
      'IptablesEIP',
      'e1',
      {
        natGwDp: 'gw1',
        v4ip: '192.168.0.11',
        macAddress: alloc.mac,
        externalSubnet: 'ovn-vpc-external-network',
      },
      {
        metadata: {
          name: 'e1',
          labels: {
            'ovn.kubernetes.io/subnet': 'ovn-vpc-external-network',
            'ovn.kubernetes.io/eip_v4_ip': '192.168.0.11',
            'ovn.kubernetes.io/vpc-nat-gw-name': 'gw1',
          },
        },
        status: { ready: true, ip: '192.168.0.11' },
      },
    ) as IptablesEip;
    const plan = eipWriteBack(ready, 'ovn-vpc-external-network', { ...alloc, v6: 'fd00::11' }, 'gw-ns');
    assert.equal(plan.write, 'none');
  });
  it('the IPv6 address given is asked for again, and restored at start', () => {
    const given = eip({ v4ip: '192.168.0.11', v6ip: 'fd00::11' }, { ip: '192.168.0.11' });
    assert.deepEqual(eipRequest(given), { ips: ['192.168.0.11', 'fd00::11'] });
    assert.deepEqual(recordedEips(memoryView([given])), [
      { subnet: 'ovn-vpc-external-network', owner: 'e1', ips: '192.168.0.11,fd00::11' },
    ]);
  });
});

describe('IptablesEIP status.nat (getIptablesEipNat: the kinds holding it, dnat, fip, snat, by ",")', () => {
  const rule = (kind: string, name: string, extra: Partial<KubeObject> = {}) =>
    kubeovn(kind, name, { eip: 'e1' }, extra);
  const cases: { name: string; rules: KubeObject[]; nat: string }[] = [
    {
      name: 'a DNAT and a SNAT on one EIP: dnat before snat, whatever the creation order',
      rules: [rule('IptablesSnatRule', 's'), rule('IptablesDnatRule', 'd')],
      nat: 'dnat,snat',
    },
    { name: 'e2e [4]: used by a FIP', rules: [rule('IptablesFIPRule', 'f')], nat: 'fip' },
    {
      name: 'e2e [4]: cleared once its FIP goes',
      rules: [rule('IptablesFIPRule', 'f', { metadata: { name: 'f', deletionTimestamp: 'x' } })],
      nat: '',
    },
    {
      name: "the webhook's FIP/DNAT exclusivity: a newer DNAT does not hold the FIP's EIP (never labelled)",
      rules: [
        at(rule('IptablesFIPRule', 'f'), '2026-01-01T00:00:00Z'),
        at(
          rule('IptablesDnatRule', 'd', { spec: { eip: 'e1', protocol: 'tcp', externalPort: '80' } }),
          '2026-01-02T00:00:00Z',
        ),
      ],
      nat: 'fip',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const e = kubeovn('IptablesEIP', 'e1', { natGwDp: 'gw1' }) as IptablesEip;
      assert.equal(eipStatus(memoryView(c.rules), e, '192.168.0.11').fields['nat'], c.nat);
    });
});

function recorder(): { writer: ObjectWriter; calls: string[] } {
  const calls: string[] = [];
  const record =
    (method: string) =>
    (...args: unknown[]): Promise<never> => {
      calls.push(`${method} ${JSON.stringify(args.slice(1))}`);
      return Promise.resolve(undefined as never);
    };
  const methods = ['patchAnnotations', 'patchLabels', 'updateFinalizers', 'patchStatus', 'event'];
  return { writer: Object.fromEntries(methods.map((m) => [m, record(m)])) as unknown as ObjectWriter, calls };
}

async function reconcileRule(
  kind: 'IptablesFIPRule' | 'IptablesDnatRule',
  name: string,
  objects: KubeObject[],
) {
  const { writer, calls } = recorder();
  const ctx = {
    key: `${kind}/${name}`,
    ref: { kind, name },
    view: memoryView(objects),
    clock: { now: () => Date.UTC(2026, 0, 1) },
  } as unknown as ReconcileContext;
  await ruleReconciler({ writer } as unknown as NetworkDeps, kind).reconcile(ctx.key, ctx);
  const status = calls.find((c) => c.startsWith('patchStatus'));
  return {
    labelled: calls.some((c) => c.startsWith('patchLabels')),
    annotated: calls.some((c) => c.startsWith('patchAnnotations')),
    status: status ? (JSON.parse(status.slice('patchStatus '.length)) as [Record<string, unknown>])[0] : {},
  };
}

describe('rule statuses and labels (patchFipLabel / patchDnatStatus; e2e [2] "fip should fail")', () => {
  const eip = kubeovn(
    'IptablesEIP',
    'share',
    { natGwDp: 'gw1', v4ip: '192.168.0.20' },
    { status: { ip: '192.168.0.20' } },
  );
  const fipOk = at(
    kubeovn('IptablesFIPRule', 'fip-ok', { eip: 'share', internalIp: '10.0.1.5' }),
    '2026-01-01T00:00:00Z',
  );
  const fipFail = at(
    kubeovn(
      'IptablesFIPRule',
      'fip-fail',
      { eip: 'share', internalIp: '10.0.1.5' },
      {
        status: { v4ip: '192.168.0.20', natGwDp: 'gw1', internalIp: '10.0.1.5' },
      },
    ),
    '2026-01-02T00:00:00Z',
  );
  const dnatEip = kubeovn(
    'IptablesEIP',
    'dnat-eip',
    { natGwDp: 'gw1', v4ip: '192.168.0.21' },
    { status: { ip: '192.168.0.21' } },
  );
  const dnat = kubeovn('IptablesDnatRule', 'dnat', {
    eip: 'dnat-eip',
    externalPort: '80',
    protocol: 'TCP',
    internalIp: '10.0.1.6',
    internalPort: '8080',
  });
  const cases: {
    name: string;
    kind: 'IptablesFIPRule' | 'IptablesDnatRule';
    rule: string;
    labelled: boolean;
    status: Record<string, unknown>;
  }[] = [
    {
      name: 'the FIP holding the EIP: labelled, its copies written',
      kind: 'IptablesFIPRule',
      rule: 'fip-ok',
      labelled: true,
      status: { v4ip: '192.168.0.20', v6ip: '', natGwDp: 'gw1', internalIp: '10.0.1.5', ready: false },
    },
    {
      name: 'the second FIP: not ready, unlabelled, the copies of a binding it does not have emptied',
      kind: 'IptablesFIPRule',
      rule: 'fip-fail',
      labelled: false,
      status: { v4ip: '', natGwDp: '', internalIp: '', ready: false },
    },
    {
      name: 'a DNAT: labelled (eport too), protocol copied as written',
      kind: 'IptablesDnatRule',
      rule: 'dnat',
      labelled: true,
      status: {
        v4ip: '192.168.0.21',
        v6ip: '',
        natGwDp: 'gw1',
        protocol: 'TCP',
        internalIp: '10.0.1.6',
        internalPort: '8080',
        externalPort: '80',
        ready: false,
      },
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const got = await reconcileRule(c.kind, c.rule, [eip, dnatEip, fipOk, fipFail, dnat]);
      assert.equal(got.labelled, c.labelled);
      assert.equal(got.annotated, c.labelled, 'vpc_eip goes with the labels');
      const { conditions: _conditions, ...fields } = got.status;
      assert.deepEqual(fields, c.status);
    });
});

describe('VpcNatGateway (updateCrdNatGwLabels, patchNatGwStatus, StatefulSetIsReady, genNatGwStatefulSet)', () => {
  const gw = kubeovn('VpcNatGateway', 'gw1', {
    vpc: 'vpc1',
    subnet: 'lan',
    lanIp: '10.0.1.254',
    internalCIDRs: ['10.0.0.0/16'],
  }) as VpcNatGateway;
  it('labelled with its subnet and VPC', () => {
    assert.deepEqual(gatewayLabels(gw), {
      'ovn.kubernetes.io/subnet': 'lan',
      'ovn.kubernetes.io/vpc': 'vpc1',
    });
  });
  it('status mirrors replicas (0 when unset) and the internal CIDRs', () => {
    const { fields } = gatewayStatus(
      gw,
      { name: 'vpc-nat-gw-gw1', namespace: 'kube-system' },
      undefined,
      undefined,
    );
    assert.equal(fields['replicas'], 0);
    assert.deepEqual(fields['internalCIDRs'], ['10.0.0.0/16']);
    assert.equal(fields['internalSubnets'], undefined);
  });
  const sts = (generation: number, status: Record<string, number>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'vpc-nat-gw-gw1', generation },
    spec: { replicas: 1 },
    status,
  });
  const full = { observedGeneration: 2, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1 };
  const cases: [string, KubeObject | undefined, boolean][] = [
    ['no StatefulSet', undefined, false],
    ['rolled out and ready', sts(2, full), true],
    ['a newer spec not yet seen', sts(3, full), false],
    ['no ready replica', sts(2, { ...full, readyReplicas: 0 }), false],
    ['the ready pod runs the old template', sts(2, { ...full, updatedReplicas: 0 }), false],
  ];
  for (const [name, s, want] of cases) it(`ready: ${name}`, () => assert.equal(statefulSetReady(s), want));
  it('the container as Kube-OVN renders it: both gateway variables, ip forwarding by sh, an affinity', () => {
    const lan = kubeovn('Subnet', 'lan', { cidrBlock: '10.0.1.0/24', gateway: '10.0.1.1', vpc: 'vpc1' });
    const ext = kubeovn('Subnet', 'ovn-vpc-external-network', {
      cidrBlock: '192.168.0.0/24,fd00::/120',
      gateway: '192.168.0.1,fd00::1',
    });
    const rendered = renderGatewayWorkload({
      gateway: gw,
      image: 'img',
      prefix: 'vpc-nat-gw',
      lanSubnet: lan,
      externalSubnets: [{ name: 'ovn-vpc-external-network', subnet: ext }],
      vpcSubnets: [],
    });
    const pod = (rendered['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
    const [container] = pod['containers'] as { env: { name: string }[]; lifecycle: unknown }[];
    // Kube-OVN's variables first; the downward-API ones after them are kovn's agent's (gateway-workload.test.ts).
    assert.deepEqual(container?.env.slice(0, 2), [
      { name: 'GATEWAY_V4', value: '192.168.0.1' },
      { name: 'GATEWAY_V6', value: 'fd00::1' },
    ]);
    assert.deepEqual(container?.lifecycle, {
      postStart: { exec: { command: ['sh', '-c', 'sysctl -w net.ipv4.ip_forward=1'] } },
    });
    assert.deepEqual(pod['affinity'], {});
    assert.equal(rendered.metadata.name, 'vpc-nat-gw-gw1');
    assert.deepEqual(rendered.metadata.labels, {
      app: 'vpc-nat-gw-gw1',
      'ovn.kubernetes.io/vpc-nat-gw': 'true',
    });
  });
});
