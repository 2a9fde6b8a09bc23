// Subnet `private`, `allowSubnets` and `acls` in the lab with real traffic (issue 16 points 2 and 3). One VPC with
// three subnets: acl-p (10.30.1.0/24, private, allowSubnets [acl-a]) holding target 10.30.1.10 and peer 10.30.1.11,
// acl-a (10.30.2.0/24) holding allowed 10.30.2.10, acl-o (10.30.3.0/24) holding other 10.30.3.10; and a private
// default-VPC subnet acl-dp (10.40.1.0/24) holding probed, whose readiness probe comes from the node through ovn0 and
// the join network, while outsider (ovn-default) does not reach it. HTTP to a pod is answered by the lab responder, which names the pod. kovn trace runs against the
// same lab and must name the ACL and the Subnet field behind a drop. The lab (temp KOVN_HOME, random id) is removed
// at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/api/types.ts';
import { kubeRequest } from '../../../src/kube/request.ts';
import { objectPath } from '../../../src/kube/resources.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import {
  inPodNetns,
  kubeApi,
  labDown,
  labHome,
  labUp,
  listObjects,
  poller,
  runKovn,
  skipUnlessRoot as skip,
  sleep,
  webPodAt,
} from '../../support/lab-e2e.ts';

const TARGET = '10.30.1.10';
const PROBED = '10.40.1.10';

let home: string;
let layout: LabLayout;
let kc: KubeConfig;

const kovn = (...args: string[]) => runKovn(home, args);
const inNs = (ns: string, pod: string, ...cmd: string[]) => inPodNetns(layout, ns, pod, cmd, 20_000);
const inPod = (pod: string, ...cmd: string[]) => inNs('acl', pod, ...cmd);
const ping = (pod: string, ip: string) => inPod(pod, 'ping', '-c', '1', '-W', '1', ip).status === 0;
/** The pod that answered HTTP on ip:80 from `pod`, or '' if nobody did. */
const answeredBy = (pod: string, ip: string): string =>
  /X-Kovn-Pod: (\S+)/.exec(
    inPod(pod, 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 80`).stdout,
  )?.[1] ?? '';
/** Who answered HTTP from acl-out/outsider (ovn-default) to the probed pod of the private default-VPC subnet. */
const outsiderReaches = (): string =>
  /X-Kovn-Pod: (\S+)/.exec(
    inNs('acl-out', 'outsider', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${PROBED} 80`)
      .stdout,
  )?.[1] ?? '';
const eventually = poller({ ms: 60_000, every: 300 });
const { create, get } = kubeApi(() => kc);
/** Waits until HTTP from `pod` to the target is answered (`open`) or not. */
const expectReach = (pod: string, open: boolean) =>
  eventually(`${pod} -> target ${open ? 'answered' : 'not answered'}`, () =>
    open ? answeredBy(pod, TARGET) === 'acl/target' : answeredBy(pod, TARGET) === '',
  );
const patchSubnet = (name: string, spec: Record<string, unknown>) =>
  kubeRequest(kc, { method: 'PATCH', path: objectPath('Subnet', name), body: { spec } });

const pod = (name: string, namespace: string, subnet: string, ip: string): KubeObject =>
  webPodAt({ name, namespace, subnet, ip, readiness: true });
const subnet = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind: 'Subnet',
  metadata: { name },
  spec: { protocol: 'IPv4', ...spec },
});
const isReady = async (ns: string, name: string): Promise<boolean> => {
  const status = (await get('Pod', name, ns))?.['status'] as
    { conditions?: { type: string; status: string }[] } | undefined;
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
};

void describe('subnet ACLs in the lab, with real traffic', { skip, timeout: 900_000 }, () => {
  before(async () => {
    ({ home, layout } = labHome('kovn-subnet-acl-', 'a'));
    kc = labUp(home, layout);
    for (const name of ['acl', 'acl-def', 'acl-out'])
      await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await create({
      apiVersion: 'kubeovn.io/v1',
      kind: 'Vpc',
      metadata: { name: 'acl-vpc' },
      spec: { namespaces: ['acl'] },
    });
    const inVpc = { vpc: 'acl-vpc' };
    await create(
      subnet('acl-p', { ...inVpc, cidrBlock: '10.30.1.0/24', private: true, allowSubnets: ['10.30.2.0/24'] }),
    );
    await create(subnet('acl-a', { ...inVpc, cidrBlock: '10.30.2.0/24' }));
    await create(subnet('acl-o', { ...inVpc, cidrBlock: '10.30.3.0/24' }));
    await create(
      subnet('acl-dp', {
        vpc: 'ovn-cluster',
        cidrBlock: '10.40.1.0/24',
        private: true,
        namespaces: ['acl-def'],
      }),
    );
    await create(pod('target', 'acl', 'acl-p', TARGET));
    await create(pod('peer', 'acl', 'acl-p', '10.30.1.11'));
    await create(pod('allowed', 'acl', 'acl-a', '10.30.2.10'));
    await create(pod('other', 'acl', 'acl-o', '10.30.3.10'));
    await create(pod('probed', 'acl-def', 'acl-dp', PROBED));
    await create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'outsider', namespace: 'acl-out' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    for (const p of ['target', 'peer', 'allowed', 'other']) {
      await eventually(`${p} running`, () => inPod(p, 'true').status === 0, 120_000);
    }
  });
  after(() => labDown(home, layout));

  it('a private subnet is reached from itself and its allowSubnets, not from another subnet of the VPC', async () => {
    await expectReach('peer', true);
    await expectReach('allowed', true);
    await expectReach('other', false);
    assert.ok(!ping('other', TARGET), 'ICMP from another subnet is dropped too');
    assert.ok(ping('allowed', TARGET), 'ICMP from an allowed subnet passes');
  });

  it('kovn trace names the ACL and spec.private behind the drop', () => {
    const trace = kovn('trace', 'acl/other', TARGET, '--tcp', '80');
    assert.equal(trace.code, 0, trace.out);
    assert.match(trace.out, /verdict: +dropped in ls_out_acl/);
    assert.match(
      trace.out,
      /why: +dropped by ACL to-lport priority 1000 "ip" on switch acl-p <- spec\.private of Subnet acl-p/,
    );
    assert.match(trace.out, /fix: +add a CIDR holding 10\.30\.3\.10 to spec\.allowSubnets of Subnet acl-p/);
  });

  it('kubelet probes still reach pods of private subnets (custom VPC through TProxy, default VPC from join)', async () => {
    await eventually('acl/target Ready', () => isReady('acl', 'target'), 120_000);
    await eventually('acl-def/probed Ready', () => isReady('acl-def', 'probed'), 120_000);
    // acl-dp is private indeed: a pod of ovn-default does not reach it, the node's probes do
    await eventually('outsider running', () => inNs('acl-out', 'outsider', 'true').status === 0, 120_000);
    assert.equal(outsiderReaches(), '', 'ovn-default does not reach a private default-VPC subnet');
    await sleep(8_000); // four probe periods: a probe stopped by the ACLs would have made it unready by now
    assert.ok(await isReady('acl-def', 'probed'), 'still Ready');
    const unhealthy = (await listObjects(kc, 'Event', 'acl-def')).filter(
      (e) => (e['involvedObject'] as { name?: string }).name === 'probed' && e['reason'] === 'Unhealthy',
    );
    assert.deepEqual(unhealthy, [], 'no failed probe');
  });

  it('changing allowSubnets takes effect both ways', async () => {
    await patchSubnet('acl-p', { allowSubnets: ['10.30.3.0/24'] });
    await expectReach('other', true);
    await expectReach('allowed', false);
    await expectReach('peer', true);
  });

  it('a subnet ACL drop takes effect, kovn trace names it, and removing it reopens', async () => {
    const drop = {
      direction: 'from-lport',
      priority: 1002,
      match: `ip4.dst == ${TARGET} && tcp.dst == 80`,
      action: 'drop',
    };
    await patchSubnet('acl-o', { acls: [drop] });
    await expectReach('other', false);
    assert.ok(ping('other', TARGET), 'the ACL drops only TCP port 80');
    const trace = kovn('trace', 'acl/other', TARGET, '--tcp', '80');
    assert.match(trace.out, /verdict: +dropped in ls_in_acl/);
    assert.match(
      trace.out,
      /why: +dropped by ACL from-lport priority 1002 .* on switch acl-o <- spec\.acls\[0\] of Subnet acl-o/,
    );
    await patchSubnet('acl-o', { acls: [] });
    await expectReach('other', true);
  });

  it('a subnet ACL with a match OVN would refuse is a 422 naming spec.acls[0].match', async () => {
    const bad = { direction: 'to-lport', priority: 1002, match: 'ip4.dst == 10.30.1.10 &&', action: 'drop' };
    await assert.rejects(patchSubnet('acl-o', { acls: [bad] }), (err: Error) => {
      assert.match(err.message, /spec\.acls\[0\]\.match: Invalid value: .*not a valid OVN match/);
      return true;
    });
  });

  it('private off: every subnet of the VPC reaches it again', async () => {
    await patchSubnet('acl-p', { private: false });
    await expectReach('allowed', true);
    await expectReach('other', true);
    await patchSubnet('acl-dp', { private: false });
    await eventually('outsider reaches probed', () => outsiderReaches() === 'acl-def/probed');
  });
});
