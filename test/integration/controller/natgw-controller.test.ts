// The NAT-gateway controller side against the embedded API server, a real OVN NB and the lab's StatefulSet
// controller (no dataplane): the seed's "Create VPC NAT Gateway" manifests applied unchanged (plus the VPC, subnet
// and namespace they need) give the StatefulSet and its pod as Kube-OVN renders them, EIP addresses from the external
// subnet (excludeIps honoured, counters following), labels, finalizers, rule statuses; a second FIP on one EIP and
// deleting an EIP in use are refused with the reason; a `kovn.io/nat-applied` report on the gateway pod (written by the
// test, standing for the gateway agent) turns into each CR's `ready` and `Ready` condition, a failure only on its own
// CR; a spec change moves a rule; a deleted gateway pod comes back with its addresses; deleting rules and EIPs gives
// the addresses back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { kindCollectionPath, objectPath } from '../../../src/kube/resources.ts';
import { ControllerProcess } from '../../../src/controller/process.ts';
import { startStatefulSetController } from '../../../src/lab/control-plane/statefulset.ts';
import { ApiStatusError } from '../../../src/kube/errors.ts';
import { embeddedApiServer, eventually } from '../../support/embedded-apiserver.ts';
import { startOvn } from './reconcile-harness.ts';

const NAT_DIR = fileURLToPath(new URL('../../../examples/config-vpc/nat-gateway/', import.meta.url));
const SEED_DIR = fileURLToPath(new URL('../../../examples/seed/', import.meta.url));

function manifests(dir: string, file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(`${dir}${file}`, 'utf8'))
    .map((d) => d.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o);
}

async function apply(kc: KubeConfig, obj: KubeObject): Promise<void> {
  const namespaced =
    obj.kind === 'ConfigMap' || obj.kind === 'NetworkAttachmentDefinition' || obj.kind === 'Pod';
  const namespace = namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
  await kubeRequest(kc, { method: 'POST', path: kindCollectionPath(obj.kind, namespace), body: obj });
}

const get = (kc: KubeConfig, kind: string, name: string, namespace?: string) =>
  kubeRequest<KubeObject>(kc, { method: 'GET', path: objectPath(kind, name, namespace) }).catch(
    () => undefined,
  );
const status = (o: KubeObject | undefined) => (o?.['status'] ?? {}) as Record<string, unknown>;
const readyReason = (o: KubeObject | undefined) =>
  ((status(o)['conditions'] ?? []) as { type: string; reason: string; message: string }[]).find(
    (c) => c.type === 'Ready',
  );

async function refused(p: Promise<unknown>): Promise<ApiStatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiStatusError) return err;
    throw err;
  }
  assert.fail('expected the API server to refuse');
}

void test(
  'NAT gateway controller: seed manifests, EIPs, rules, statuses, agent report',
  { timeout: 240_000 },
  async (t) => {
    const lab = await embeddedApiServer(t);
    const ovn = await startOvn();
    const kc = lab.kubeConfig;
    const controller = new ControllerProcess({
      kubeConfig: kc,
      nbRemotes: [ovn.nbUnix],
      leaderElection: false,
    });
    const statefulSets = await startStatefulSetController({ kubeConfig: kc });
    t.after(async () => {
      await statefulSets.stop();
      await controller.stop();
      await ovn.cleanup();
    });
    await controller.start();

    for (const file of ['00-namespaces.yaml', '01-vpcs.yaml', '02-subnets.yaml'].filter((f) =>
      readdirSync(SEED_DIR).includes(f),
    ))
      for (const obj of manifests(SEED_DIR, file)) await apply(kc, obj);
    for (const file of ['00-nat-configmaps.yaml', '01-external-network.yaml', '02-gateway.yaml'])
      for (const obj of manifests(NAT_DIR, file)) await apply(kc, obj);

    // The StatefulSet as Kube-OVN renders it, and its pod from the lab's StatefulSet controller.
    let sts: KubeObject | undefined;
    await eventually(
      async () => !!(sts = await get(kc, 'StatefulSet', 'vpc-nat-gw-gw1', 'kube-system')),
      'statefulset',
      30_000,
    );
    assert.equal(sts!.metadata.labels?.['app'], 'vpc-nat-gw-gw1');
    assert.equal(sts!.metadata.labels?.['ovn.kubernetes.io/vpc-nat-gw'], 'true');
    assert.equal(sts!.metadata.ownerReferences?.[0]?.kind, 'VpcNatGateway');
    let pod: KubeObject | undefined;
    await eventually(
      async () => !!(pod = await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system')),
      'gateway pod',
      30_000,
    );
    const a = pod!.metadata.annotations ?? {};
    assert.equal(a['ovn.kubernetes.io/vpc_nat_gw'], 'gw1');
    assert.equal(a['ovn.kubernetes.io/logical_switch'], 'net1');
    assert.equal(a['ovn.kubernetes.io/port_security'], 'false');
    assert.equal(a['k8s.v1.cni.cncf.io/networks'], 'kube-system/ovn-vpc-external-network');
    assert.deepEqual(JSON.parse(a['ovn-vpc-external-network.kube-system.kubernetes.io/routes'] ?? '[]'), [
      { dst: '0.0.0.0/0', gw: '192.168.0.1' },
    ]);
    const podSpec = pod!['spec'] as {
      nodeSelector?: Record<string, string>;
      containers?: { image?: string }[];
    };
    assert.deepEqual(podSpec.nodeSelector, {
      'kubernetes.io/hostname': 'kube-ovn-worker',
      'kubernetes.io/os': 'linux',
    });
    assert.equal(podSpec.containers?.[0]?.image, 'docker.io/kubeovn/vpc-nat-gateway:v1.12.26');

    // The controller addresses the pod: lanIp on eth0 (a custom VPC's subnet, though kube-system is not its tenant)
    // and net1 from the external subnet, past its excludeIps.
    await eventually(
      async () => {
        const p = await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system');
        const an = p?.metadata.annotations ?? {};
        return (
          an['ovn.kubernetes.io/ip_address'] === '10.0.1.254' &&
          !!an['ovn-vpc-external-network.kube-system.kubernetes.io/ip_address']
        );
      },
      'gateway pod addressed',
      30_000,
    );
    const gwPod = (await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system'))!;
    assert.equal(
      gwPod.metadata.annotations?.['ovn-vpc-external-network.kube-system.kubernetes.io/ip_address'],
      '192.168.0.11',
    );

    // EIPs: random ones take the lowest free addresses; the external subnet counts them.
    for (const file of ['04-dnat.yaml', '05-snat.yaml', '06-fip.yaml'])
      for (const obj of manifests(NAT_DIR, file)) await apply(kc, obj);
    const eipIp = async (name: string) =>
      status(await get(kc, 'IptablesEIP', name))['ip'] as string | undefined;
    await eventually(
      async () => !!(await eipIp('eipd01')) && !!(await eipIp('eips01')) && !!(await eipIp('eipf01')),
      'EIP addresses',
      30_000,
    );
    const ips = new Set([await eipIp('eipd01'), await eipIp('eips01'), await eipIp('eipf01')]);
    assert.deepEqual([...ips].sort(), ['192.168.0.12', '192.168.0.13', '192.168.0.14']);
    await eventually(
      async () => status(await get(kc, 'Subnet', 'ovn-vpc-external-network'))['v4usingIPs'] === 4,
      'external subnet counts 4 in use',
      20_000,
    );

    const eipd = (await get(kc, 'IptablesEIP', 'eipd01'))!;
    assert.equal(eipd.metadata.labels?.['ovn.kubernetes.io/eip_v4_ip'], status(eipd)['ip']);
    assert.equal(eipd.metadata.labels?.['ovn.kubernetes.io/vpc-nat-gw-name'], 'gw1');
    assert.ok(eipd.metadata.finalizers?.includes('kubeovn.io/kube-ovn-controller'));
    const eipSpec = eipd['spec'] as { v4ip?: string; externalSubnet?: string; macAddress?: string };
    assert.equal(eipSpec.v4ip, status(eipd)['ip'], 'the allocation is written back into the spec');
    assert.equal(eipSpec.externalSubnet, 'ovn-vpc-external-network');
    assert.match(eipSpec.macAddress ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.equal(
      (eipd['spec'] as { namespace?: string }).namespace,
      'kube-system',
      "the gateway's namespace",
    );
    const gw = await get(kc, 'VpcNatGateway', 'gw1');
    assert.equal(gw?.metadata.labels?.['ovn.kubernetes.io/subnet'], 'net1');
    assert.equal(gw?.metadata.labels?.['ovn.kubernetes.io/vpc'], 'test-vpc-1');
    await eventually(
      async () => status(await get(kc, 'IptablesEIP', 'eipd01'))['nat'] === 'dnat',
      'eipd01 nat=dnat',
      20_000,
    );

    // Rules: labels, finalizer, programmed fields; not ready until the agent reports.
    await eventually(
      async () => status(await get(kc, 'IptablesDnatRule', 'dnat01'))['v4ip'] === status(eipd)['ip'],
      'dnat01 status',
      20_000,
    );
    const dnat = (await get(kc, 'IptablesDnatRule', 'dnat01'))!;
    assert.equal(dnat.metadata.labels?.['ovn.kubernetes.io/eip_v4_ip'], status(eipd)['ip']);
    assert.equal(dnat.metadata.labels?.['ovn.kubernetes.io/vpc-nat-gw-name'], 'gw1');
    assert.equal(dnat.metadata.labels?.['ovn.kubernetes.io/vpc_dnat_eport'], '8888');
    assert.ok(dnat.metadata.finalizers?.includes('kubeovn.io/kube-ovn-controller'));
    assert.equal(status(dnat)['natGwDp'], 'gw1');
    assert.equal(status(dnat)['internalPort'], '80');
    assert.equal(status(dnat)['ready'], false);
    assert.equal(readyReason(dnat)?.reason, 'Pending');

    // A second FIP on eipf01 is accepted, as by Kube-OVN's webhook (it used to be a 409), and reported Conflict on
    // its status, as Kube-OVN's controller leaves it not ready (ADR 2); deleted again, so the rest is unchanged.
    await apply(kc, {
      apiVersion: 'kubeovn.io/v1',
      kind: 'IptablesFIPRule',
      metadata: { name: 'fip02' },
      spec: { eip: 'eipf01', internalIp: '10.0.1.6' },
    });
    await eventually(
      async () => readyReason(await get(kc, 'IptablesFIPRule', 'fip02'))?.reason === 'Conflict',
      'fip02 conflict',
      20_000,
    );
    const second = await get(kc, 'IptablesFIPRule', 'fip02');
    assert.match(readyReason(second)!.message, /eip eipf01 is used by the other fip fip01/);
    assert.equal(status(second)['ready'], false);
    await kubeRequest(kc, { method: 'DELETE', path: objectPath('IptablesFIPRule', 'fip02') });
    await eventually(async () => !(await get(kc, 'IptablesFIPRule', 'fip02')), 'fip02 gone', 20_000);
    // Deleting an EIP in use is refused, naming the rule.
    const blocked = await refused(
      kubeRequest(kc, { method: 'DELETE', path: objectPath('IptablesEIP', 'eipd01') }),
    );
    assert.match(blocked.message, /dnat01/);

    // The agent's report on the gateway pod becomes the statuses; a failure marks only its own CR.
    const report = {
      generation: 1,
      rules: {
        'eip/eipd01': { ok: true },
        'eip/eips01': { ok: true },
        'eip/eipf01': { ok: true },
        'dnat/dnat01': { ok: true },
        'snat/snat01': { ok: false, reason: 'iptables-restore: line 7 failed' },
        'fip/fip01': { ok: true },
      },
    };
    await kubeRequest(kc, {
      method: 'PATCH',
      path: objectPath('Pod', 'vpc-nat-gw-gw1-0', 'kube-system'),
      body: { metadata: { annotations: { 'kovn.io/nat-applied': JSON.stringify(report) } } },
      patch: 'merge',
    });
    await eventually(
      async () => status(await get(kc, 'IptablesDnatRule', 'dnat01'))['ready'] === true,
      'dnat01 ready',
      20_000,
    );
    await eventually(
      async () => status(await get(kc, 'IptablesFIPRule', 'fip01'))['ready'] === true,
      'fip01 ready',
      20_000,
    );
    await eventually(
      async () => status(await get(kc, 'IptablesEIP', 'eipd01'))['ready'] === true,
      'eipd01 ready',
      20_000,
    );
    await eventually(
      async () => readyReason(await get(kc, 'IptablesSnatRule', 'snat01'))?.reason === 'ApplyFailed',
      'snat01 failed',
      20_000,
    );
    const snat = await get(kc, 'IptablesSnatRule', 'snat01');
    assert.equal(status(snat)['ready'], false);
    assert.match(readyReason(snat)!.message, /line 7 failed/);
    assert.equal(status(snat)['internalCIDR'], '10.0.1.0/24');

    // A spec change moves the rule: dnat01 onto eips01 (DNAT and SNAT may share an EIP).
    await kubeRequest(kc, {
      method: 'PATCH',
      path: objectPath('IptablesDnatRule', 'dnat01'),
      body: { spec: { eip: 'eips01', externalPort: '9999' } },
      patch: 'merge',
    });
    const eipsIp = await eipIp('eips01');
    await eventually(
      async () => {
        const d = await get(kc, 'IptablesDnatRule', 'dnat01');
        return (
          status(d)['v4ip'] === eipsIp &&
          d?.metadata.labels?.['ovn.kubernetes.io/eip_v4_ip'] === eipsIp &&
          status(d)['externalPort'] === '9999'
        );
      },
      'dnat01 moved to eips01',
      20_000,
    );
    await eventually(
      async () => status(await get(kc, 'IptablesEIP', 'eips01'))['nat'] === 'dnat,snat',
      'eips01 nat=dnat,snat',
      20_000,
    );
    await eventually(
      async () => (status(await get(kc, 'IptablesEIP', 'eipd01'))['nat'] ?? '') === '',
      'eipd01 unused',
      20_000,
    );

    // The gateway pod deleted: the StatefulSet controller re-creates it, without the old report (not ready again).
    const oldUid = gwPod.metadata.uid;
    await kubeRequest(kc, { method: 'DELETE', path: objectPath('Pod', 'vpc-nat-gw-gw1-0', 'kube-system') });
    await eventually(
      async () => {
        const p = await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system');
        return !!p && p.metadata.uid !== oldUid;
      },
      'gateway pod re-created',
      30_000,
    );
    await eventually(
      async () => status(await get(kc, 'IptablesFIPRule', 'fip01'))['ready'] === false,
      'fip01 pending again',
      20_000,
    );
    // A StatefulSet pod keeps its addresses: the same net1 address (the default EIP) comes back.
    await eventually(
      async () =>
        (await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system'))?.metadata.annotations?.[
          'ovn-vpc-external-network.kube-system.kubernetes.io/ip_address'
        ] === '192.168.0.11',
      're-created gateway pod keeps 192.168.0.11 on net1',
      20_000,
    );

    // Rules and EIPs deleted: the addresses go back and the counter follows.
    for (const [kind, name] of [
      ['IptablesDnatRule', 'dnat01'],
      ['IptablesSnatRule', 'snat01'],
      ['IptablesFIPRule', 'fip01'],
    ] as const)
      await kubeRequest(kc, { method: 'DELETE', path: objectPath(kind, name) });
    await eventually(
      async () =>
        !(await get(kc, 'IptablesFIPRule', 'fip01')) && !(await get(kc, 'IptablesDnatRule', 'dnat01')),
      'rules gone',
      20_000,
    );
    for (const name of ['eipd01', 'eips01', 'eipf01'])
      await kubeRequest(kc, { method: 'DELETE', path: objectPath('IptablesEIP', name) });
    await eventually(async () => !(await get(kc, 'IptablesEIP', 'eipf01')), 'eips gone', 20_000);
    await eventually(
      async () => status(await get(kc, 'Subnet', 'ovn-vpc-external-network'))['v4usingIPs'] === 1,
      'external subnet back to 1 in use',
      20_000,
    );

    // A selector change needs a new pod: the StatefulSet is re-rendered and the pod replaced.
    const before = (await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system'))!;
    await kubeRequest(kc, {
      method: 'PATCH',
      path: objectPath('VpcNatGateway', 'gw1'),
      body: { spec: { selector: ['kubernetes.io/hostname: kube-ovn-control-plane'] } },
      patch: 'merge',
    });
    await eventually(
      async () => {
        const p = await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system');
        const selector = (p?.['spec'] as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector;
        return (
          p?.metadata.uid !== before.metadata.uid &&
          selector?.['kubernetes.io/hostname'] === 'kube-ovn-control-plane'
        );
      },
      'gateway pod re-created with the new selector',
      30_000,
    );
    await eventually(
      async () =>
        JSON.stringify(status(await get(kc, 'VpcNatGateway', 'gw1'))['selector']) ===
        '["kubernetes.io/hostname: kube-ovn-control-plane"]',
      'gateway status copies the selector',
      20_000,
    );

    // The gateway deleted (no EIP left): its StatefulSet and pod go with it.
    await kubeRequest(kc, { method: 'DELETE', path: objectPath('VpcNatGateway', 'gw1') });
    await eventually(
      async () =>
        !(await get(kc, 'VpcNatGateway', 'gw1')) &&
        !(await get(kc, 'StatefulSet', 'vpc-nat-gw-gw1', 'kube-system')) &&
        !(await get(kc, 'Pod', 'vpc-nat-gw-gw1-0', 'kube-system')),
      'gateway, StatefulSet and pod gone',
      30_000,
    );
  },
);
