// Multus' networks annotation (both forms) and NAD configs as CNI config lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confListOf } from '../../../../src/lab/kubelet/networks.ts';
import { parseNetworks } from '../../../../src/api/networks-annotation.ts';

void test('comma list: [namespace/]name[@ifname], namespace defaults to the pod, interfaces net1, net2, ...', () => {
  const cases: [string | undefined, { namespace: string; name: string; ifname: string }[]][] = [
    [undefined, []],
    ['  ', []],
    [
      'kube-system/ovn-vpc-external-network',
      [{ namespace: 'kube-system', name: 'ovn-vpc-external-network', ifname: 'net1' }],
    ],
    [
      'a, ns2/b@ext0 ,c',
      [
        { namespace: 'ns1', name: 'a', ifname: 'net1' },
        { namespace: 'ns2', name: 'b', ifname: 'ext0' },
        { namespace: 'ns1', name: 'c', ifname: 'net3' },
      ],
    ],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseNetworks(input, 'ns1'), want, String(input));
});

void test('JSON list: name, namespace, interface', () => {
  assert.deepEqual(
    parseNetworks('[{"name":"ovn-nad","namespace":"default"},{"name":"x","interface":"data0"}]', 'ns1'),
    [
      { namespace: 'default', name: 'ovn-nad', ifname: 'net1' },
      { namespace: 'ns1', name: 'x', ifname: 'data0' },
    ],
  );
});

void test('refusals name the bad element', () => {
  const cases: [string, RegExp][] = [
    ['[{"namespace":"a"}]', /\[0\]: name is required/],
    ['[nope', /not valid JSON/],
    ['{"name":"a"}', /not a valid object name/],
    ['a/b/c', /cannot read/],
    ['Bad_Name', /not a valid object name/],
    ['a@eth0', /eth0 is used twice/],
    ['a@x,b@x', /x is used twice/],
    ['a@this-name-is-way-too-long', /not a valid name/],
  ];
  for (const [input, want] of cases) assert.throws(() => parseNetworks(input, 'ns1'), want, input);
});

void test('NAD configs: a single plugin becomes a one-plugin list; a list keeps its plugins', () => {
  const seedNad =
    '{"cniVersion":"0.3.0","type":"macvlan","master":"eth1","mode":"bridge","ipam":{"type":"kube-ovn","server_socket":"/run/openvswitch/kube-ovn-daemon.sock","provider":"ovn-vpc-external-network.kube-system"}}';
  assert.deepEqual(confListOf(seedNad, 'ovn-vpc-external-network'), {
    cniVersion: '0.3.0',
    name: 'ovn-vpc-external-network',
    plugins: [
      {
        type: 'macvlan',
        master: 'eth1',
        mode: 'bridge',
        ipam: {
          type: 'kube-ovn',
          server_socket: '/run/openvswitch/kube-ovn-daemon.sock',
          provider: 'ovn-vpc-external-network.kube-system',
        },
      },
    ],
  });
  const list =
    '{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"kube-ovn"},{"type":"portmap","capabilities":{"portMappings":true}}]}';
  assert.deepEqual(
    confListOf(list, 'x').plugins.map((p) => p.type),
    ['kube-ovn', 'portmap'],
  );
  assert.equal(confListOf(list, 'x').name, 'n');
  for (const bad of [
    'x',
    '[]',
    '{"type":"a"}',
    '{"cniVersion":"1.0.0"}',
    '{"cniVersion":"1.0.0","plugins":[]}',
    '{"cniVersion":"1.0.0","plugins":[{}]}',
  ])
    assert.throws(() => confListOf(bad, 'x'), Error, bad);
});
