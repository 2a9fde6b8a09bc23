// Table-driven tests of the lab's VPC DNS pure parts: what it reads from a Corefile, the records it builds from
// Services and Endpoints (A, SRV, PTR, headless, a VPC's namespaces), how one question is answered, and the lab pods
// that stand for a VpcDns Deployment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Question } from 'dns-packet';
import type { KubeObject } from '../../../../src/api/types.ts';
import { answerQuestion } from '../../../../src/lab/vpc-dns/answer.ts';
import { parseCorefile, resolvConfNameservers } from '../../../../src/lab/vpc-dns/corefile.ts';
import { corefileConfigMap, labDnsPods, templateHash } from '../../../../src/lab/vpc-dns/pods.ts';
import { buildZone } from '../../../../src/lab/vpc-dns/zone.ts';
import { zoneFileFor } from '../../../../src/lab/vpc-dns/zone-file.ts';

const SEED_COREFILE = `.:53 {
    errors
    health {
      lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf {
      prefer_udp
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

void test('Corefile: the seed one, a custom port and namespaces, and the errors that name the line', () => {
  assert.deepEqual(parseCorefile(SEED_COREFILE), {
    port: 53,
    zones: ['cluster.local', 'in-addr.arpa', 'ip6.arpa'],
    namespaces: [],
    forward: ['/etc/resolv.conf'],
    ignored: ['errors', 'health', 'ready', 'prometheus', 'cache', 'loop', 'reload', 'loadbalance'],
  });
  const custom = parseCorefile(
    '# comment\n.:5353 {\n kubernetes Corp.Local. {\n namespaces a b\n }\n forward . 10.0.0.1 10.0.0.2:5353\n}\n',
  );
  assert.deepEqual(
    [custom.port, custom.zones, custom.namespaces, custom.forward],
    [5353, ['corp.local'], ['a', 'b'], ['10.0.0.1', '10.0.0.2:5353']],
  );
  assert.deepEqual(parseCorefile('.:53 {\n kubernetes\n}').zones, ['cluster.local']);
  assert.throws(() => parseCorefile(''), /no server block/);
  assert.throws(() => parseCorefile('.:53 {\n kubernetes {\n}'), /never closed/);
  assert.throws(() => parseCorefile('.:53 {\n}\n}'), /line 3: unexpected "}"/);
  assert.deepEqual(
    resolvConfNameservers('search x\nnameserver 10.0.0.1\n nameserver fd00::1\n#nameserver 1.1.1.1\n'),
    ['10.0.0.1', 'fd00::1'],
  );
});

const svc = (
  ns: string,
  name: string,
  clusterIP: string,
  ports: { name?: string; port: number; protocol?: string }[],
) =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { clusterIP, ports },
  }) as KubeObject;
const eps = (ns: string, name: string, subsets: unknown[]) =>
  ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns }, subsets }) as KubeObject;

const zone = buildZone(
  ['cluster.local', 'in-addr.arpa'],
  [
    svc('ns1', 'web', '10.96.1.1', [{ name: 'http', port: 80 }, { port: 81 }]),
    svc('ns1', 'db', 'None', [{ name: 'pg', port: 5432 }]),
    svc('ns2', 'other', '10.96.1.2', [{ name: 'dns', port: 53, protocol: 'UDP' }]),
  ],
  [
    eps('ns1', 'db', [
      {
        addresses: [{ ip: '10.0.1.5', hostname: 'db-0' }, { ip: '10.0.1.6' }],
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      },
    ]),
  ],
);
const ask = (name: string, type: Question['type']) => answerQuestion(zone, { name, type });
const data = (o: ReturnType<typeof ask>) =>
  o.kind === 'answer'
    ? [o.rcode, ...o.answers.map((a) => JSON.stringify((a as { data: unknown }).data))]
    : ['forward'];

void test('records and answers: A, SRV for named ports, headless endpoints, PTR, NODATA, NXDOMAIN, forward', () => {
  const cases: [string, Question['type'], string[]][] = [
    ['web.ns1.svc.cluster.local', 'A', ['NOERROR', '"10.96.1.1"']],
    ['WEB.ns1.svc.cluster.local.', 'A', ['NOERROR', '"10.96.1.1"']],
    [
      '_http._tcp.web.ns1.svc.cluster.local',
      'SRV',
      ['NOERROR', '{"priority":0,"weight":100,"port":80,"target":"web.ns1.svc.cluster.local"}'],
    ],
    [
      '_dns._udp.other.ns2.svc.cluster.local',
      'SRV',
      ['NOERROR', '{"priority":0,"weight":100,"port":53,"target":"other.ns2.svc.cluster.local"}'],
    ],
    ['db.ns1.svc.cluster.local', 'A', ['NOERROR', '"10.0.1.5"', '"10.0.1.6"']],
    ['db-0.db.ns1.svc.cluster.local', 'A', ['NOERROR', '"10.0.1.5"']],
    ['10-0-1-6.db.ns1.svc.cluster.local', 'A', ['NOERROR', '"10.0.1.6"']],
    [
      '_pg._tcp.db.ns1.svc.cluster.local',
      'SRV',
      [
        'NOERROR',
        '{"priority":0,"weight":100,"port":5432,"target":"db-0.db.ns1.svc.cluster.local"}',
        '{"priority":0,"weight":100,"port":5432,"target":"10-0-1-6.db.ns1.svc.cluster.local"}',
      ],
    ],
    ['1.1.96.10.in-addr.arpa', 'PTR', ['NOERROR', '"web.ns1.svc.cluster.local"']],
    ['web.ns1.svc.cluster.local', 'AAAA', ['NOERROR']],
    ['ns1.svc.cluster.local', 'A', ['NOERROR']],
    ['cluster.local', 'A', ['NOERROR']],
    ['nothing.ns1.svc.cluster.local', 'A', ['NXDOMAIN']],
    ['9.9.9.10.in-addr.arpa', 'PTR', ['NXDOMAIN']],
    ['example.com', 'A', ['forward']],
    ['cluster.local.example.com', 'A', ['forward']],
  ];
  for (const [name, type, want] of cases) assert.deepEqual(data(ask(name, type)), want, `${type} ${name}`);
});

void test("a VPC's namespaces: other namespaces' Services do not exist for it", () => {
  const only = buildZone(
    ['cluster.local'],
    [svc('ns1', 'web', '10.96.1.1', []), svc('ns2', 'other', '10.96.1.2', [])],
    [],
    ['ns2'],
  );
  assert.deepEqual(data(answerQuestion(only, { name: 'web.ns1.svc.cluster.local', type: 'A' })), [
    'NXDOMAIN',
  ]);
  assert.deepEqual(data(answerQuestion(only, { name: 'other.ns2.svc.cluster.local', type: 'A' })), [
    'NOERROR',
    '"10.96.1.2"',
  ]);
});

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'vpc-dns-a',
    namespace: 'kube-system',
    uid: 'd1',
    labels: { 'ovn.kubernetes.io/vpc-dns': 'true' },
  },
  spec: {
    replicas: 2,
    template: {
      metadata: {
        labels: { 'k8s-app': 'vpc-dns-a' },
        annotations: {
          'ovn.kubernetes.io/logical_switch': 'net1',
          'k8s.v1.cni.cncf.io/networks': 'default/ovn-nad',
          'ovn-nad.default.ovn.kubernetes.io/logical_switch': 'ovn-default',
        },
      },
      spec: {
        containers: [{ name: 'coredns', image: 'x', ports: [{ containerPort: 53, protocol: 'UDP' }] }],
        volumes: [{ name: 'config-volume', configMap: { name: 'vpc-dns-corefile' } }],
      },
    },
  },
};

void test('lab DNS pods: replicas from the template, primary NIC only, no container ports, owned by the Deployment', () => {
  const pods = labDnsPods(deployment);
  const hash = templateHash(deployment);
  assert.deepEqual(
    pods.map((p) => p.metadata.name),
    [`vpc-dns-a-${hash}-0`, `vpc-dns-a-${hash}-1`],
  );
  const p = pods[0]!;
  assert.deepEqual(p.metadata.annotations, { 'ovn.kubernetes.io/logical_switch': 'net1' });
  assert.deepEqual(p.metadata.labels, {
    'k8s-app': 'vpc-dns-a',
    'kovn.io/lab-dns': 'vpc-dns-a',
    'pod-template-hash': hash,
  });
  assert.deepEqual(
    p.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
    [['Deployment', 'vpc-dns-a', 'd1']],
  );
  assert.deepEqual((p['spec'] as { containers: unknown[] }).containers, [{ name: 'coredns', image: 'x' }]);
  assert.equal(corefileConfigMap(deployment), 'vpc-dns-corefile');
  const changed = structuredClone(deployment);
  (
    changed['spec'] as { template: { metadata: { labels: Record<string, string> } } }
  ).template.metadata.labels['x'] = 'y';
  assert.notEqual(templateHash(changed), hash, 'a template change renames the pods');
});

void test('zone file: upstreams from resolv.conf, the Corefile namespaces over the VPC ones, defaults on a bad Corefile', () => {
  const services = [svc('ns1', 'web', '10.96.1.1', []), svc('ns2', 'other', '10.96.1.2', [])];
  const read = (path: string) => (path === '/etc/resolv.conf' ? 'nameserver 10.255.255.53\n' : undefined);
  const seed = zoneFileFor({
    corefile: SEED_COREFILE,
    services,
    endpoints: [],
    vpcNamespaces: ['ns1'],
    readFile: read,
  });
  assert.deepEqual([seed.file.port, seed.file.upstreams, seed.warning], [53, ['10.255.255.53'], undefined]);
  assert.deepEqual(Object.keys(seed.file.zone.records), [
    'web.ns1.svc.cluster.local',
    '1.1.96.10.in-addr.arpa',
  ]);
  const own = zoneFileFor({
    corefile: '.:53 {\n kubernetes cluster.local {\n namespaces ns2\n }\n forward . /missing 1.1.1.1\n}',
    services,
    endpoints: [],
    vpcNamespaces: ['ns1'],
    readFile: read,
  });
  assert.deepEqual(
    [own.file.upstreams, Object.keys(own.file.zone.records)],
    [['1.1.1.1'], ['other.ns2.svc.cluster.local']],
  );
  const bad = zoneFileFor({ corefile: '}', services, endpoints: [], vpcNamespaces: [], readFile: read });
  assert.match(bad.warning ?? '', /Corefile not understood, defaults used: Corefile line 1: unexpected "}"/);
  assert.deepEqual(
    [bad.file.port, bad.file.zone.zones, Object.keys(bad.file.zone.records).length],
    [53, ['cluster.local'], 2],
  );
});
