import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as keys from '../../../src/api/annotations.ts';
import {
  ANNOTATION_ALLOCATED,
  ANNOTATION_CIDR,
  ANNOTATION_GATEWAY,
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_ROUTER,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_POD_NIC_TYPE,
  ANNOTATION_PORT_SECURITY,
  ANNOTATION_ROUTED,
  annotationKey,
  type ProviderKey,
} from '../../../src/api/annotations.ts';
import {
  CONTROLLER_NAMESPACE,
  OVN_PROVIDER,
  isOvnProvider,
  isSystemPod,
  portName,
} from '../../../src/api/constants.ts';

void test('isOvnProvider: ovn and <nad>.<ns>.ovn are OVN; empty is OVN (Kube-OVN defaults it to ovn); the rest only take our IPAM', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ['', true],
    ['ovn', true],
    ['net1.ns1.ovn', true],
    ['ovn-nad.default.ovn', true],
    ['ovn-vpc-external-network.kube-system', false],
    ['macvlan.default', false],
    ['net1.ns1.ovnx', false],
    ['ovnx', false],
  ];
  for (const [provider, want] of cases) assert.equal(isOvnProvider(provider), want, JSON.stringify(provider));
});

void test('the default-provider keys are annotationKey(ovn, key)', () => {
  const cases: [string, ProviderKey][] = [
    [ANNOTATION_ALLOCATED, 'allocated'],
    [ANNOTATION_ROUTED, 'routed'],
    [ANNOTATION_IP_ADDRESS, 'ip_address'],
    [ANNOTATION_MAC_ADDRESS, 'mac_address'],
    [ANNOTATION_CIDR, 'cidr'],
    [ANNOTATION_GATEWAY, 'gateway'],
    [ANNOTATION_LOGICAL_SWITCH, 'logical_switch'],
    [ANNOTATION_LOGICAL_ROUTER, 'logical_router'],
    [ANNOTATION_POD_NIC_TYPE, 'pod_nic_type'],
    [ANNOTATION_PORT_SECURITY, 'port_security'],
  ];
  for (const [constant, key] of cases) assert.equal(constant, annotationKey(OVN_PROVIDER, key), key);
  assert.equal(annotationKey('net1.ns1.ovn', 'routes'), 'net1.ns1.ovn.kubernetes.io/routes');
});

void test('portName: <pod>.<ns> on the default (or an empty) provider, <pod>.<ns>.<provider> otherwise', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'p.ns1'],
    ['', 'p.ns1'],
    ['ovn', 'p.ns1'],
    ['net1.ns1.ovn', 'p.ns1.net1.ns1.ovn'],
    ['ovn-vpc-external-network.kube-system', 'p.ns1.ovn-vpc-external-network.kube-system'],
  ];
  for (const [provider, want] of cases) assert.equal(portName('p', 'ns1', provider), want, String(provider));
});

void test('isSystemPod: a pod of the controller namespace, whatever it carries; none elsewhere', () => {
  const pod = (namespace: string | undefined, annotations: Record<string, string> = {}) => ({
    metadata: { ...(namespace === undefined ? {} : { namespace }), annotations },
  });
  assert.equal(isSystemPod(pod(CONTROLLER_NAMESPACE)), true);
  assert.equal(isSystemPod(pod('ns1')), false);
  assert.equal(isSystemPod(pod(undefined)), false);
  assert.equal(isSystemPod(pod('ns1', { [keys.ANNOTATION_VPC_NAT_GW]: 'gw1' })), false, 'not by annotation');
});

void test('every key has one constant, and no other module of src spells a Kube-OVN, Multus or kovn key', () => {
  const values = Object.entries(keys as Record<string, unknown>).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  const seen = new Map<string, string>();
  for (const [name, value] of values) {
    assert.equal(seen.get(value), undefined, `${name} and ${seen.get(value) ?? ''} are both ${value}`);
    seen.set(value, name);
  }
  const literal = /['"`](ovn\.kubernetes\.io|k8s\.v1\.cni\.cncf\.io|kovn\.io)\//;
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && path !== join('src', 'api', 'annotations.ts')) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const code = line.trim();
            const comment = code.startsWith('*') || code.startsWith('/*') || code.startsWith('//');
            if (!comment && literal.test(code)) offenders.push(`${path}:${i + 1}`);
          });
      }
    }
  };
  walk('src');
  assert.deepEqual(offenders, [], 'keys spelled outside src/api/annotations.ts');
});
