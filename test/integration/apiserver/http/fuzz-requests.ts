// Generated API requests for the HTTP fuzz test (body.fuzz.test.ts): the kinds kovn serves with a seeded object of
// each, and requests that are mostly well-formed (so they get past decoding into admission, the patch code and the
// store) with a few fields made up: create, update, the four patch types, delete with DeleteOptions, and list with
// label and field selectors, as JSON, YAML, protobuf or garbage. Values stay far below the nesting limit.
import fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';

export interface Collection {
  apiVersion: string;
  kind: string;
  path: string;
  spec?: Record<string, unknown>;
  /** Top-level fields other than spec. */
  top?: readonly string[];
  /** The seeded object's name. */
  name: string;
}

const ovn = '/apis/kubeovn.io/v1';
const core = '/api/v1/namespaces/default';
const kubeovn = (kind: string, plural: string, spec: Record<string, unknown>, name = 'fz'): Collection => ({
  apiVersion: 'kubeovn.io/v1',
  kind,
  path: `${ovn}/${plural}`,
  spec,
  name,
});

/** The kinds under test, each with the spec of its seeded object; the NAT ones hang off VPC fz and subnet fzs. */
// prettier-ignore
export const collections: readonly Collection[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', path: `${core}/configmaps`, top: ['data', 'binaryData', 'immutable'], name: 'fz' },
  { apiVersion: 'v1', kind: 'Pod', path: `${core}/pods`, spec: { containers: [{ name: 'c', image: 'i' }] }, name: 'fz' },
  { apiVersion: 'v1', kind: 'Service', path: `${core}/services`, spec: { ports: [{ port: 80 }] }, name: 'fz' },
  { apiVersion: 'v1', kind: 'Namespace', path: '/api/v1/namespaces', name: 'fz' },
  { apiVersion: 'v1', kind: 'Node', path: '/api/v1/nodes', top: ['status'], name: 'fz' },
  { apiVersion: 'v1', kind: 'Event', path: `${core}/events`, top: ['involvedObject', 'reason', 'source', 'count'], name: 'fz' },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', path: '/apis/coordination.k8s.io/v1/namespaces/default/leases', name: 'fz' },
  kubeovn('Vpc', 'vpcs', {}),
  kubeovn('Subnet', 'subnets', { cidrBlock: '10.9.0.0/24', vpc: 'fz' }, 'fzs'),
  kubeovn('VpcNatGateway', 'vpc-nat-gateways', { vpc: 'fz', subnet: 'fzs', lanIp: '10.9.0.254' }),
  kubeovn('IptablesEIP', 'iptables-eips', { natGwDp: 'fz' }),
  kubeovn('IptablesDnatRule', 'iptables-dnat-rules', { eip: 'fz', externalPort: '80', internalIp: '10.9.0.5', internalPort: '80', protocol: 'tcp' }),
  kubeovn('IptablesSnatRule', 'iptables-snat-rules', { eip: 'fz', internalCIDR: '10.9.0.0/24' }),
  kubeovn('IptablesFIPRule', 'iptables-fip-rules', { eip: 'fz2', internalIp: '10.9.0.6' }),
  kubeovn('SwitchLBRule', 'switch-lb-rules', { vip: '10.9.0.100', ports: [{ name: 'p', port: 80, protocol: 'TCP' }] }),
  kubeovn('VpcDns', 'vpc-dnses', { vpc: 'fz', subnet: 'fzs' }),
  kubeovn('IP', 'ips', {}),
];

const object = (c: Pick<Collection, 'apiVersion' | 'kind'>, name: string, rest: object = {}): object => ({
  apiVersion: c.apiVersion,
  kind: c.kind,
  metadata: { name },
  ...rest,
});

/** The NAT feature's ConfigMaps and external subnet, then each collection's seed (and a second EIP, for the FIP). */
export function seeds(): { path: string; body: object }[] {
  const nat = (name: string, data: Record<string, string>) => ({
    path: '/api/v1/namespaces/kube-system/configmaps',
    body: object({ apiVersion: 'v1', kind: 'ConfigMap' }, name, { data }),
  });
  const seed = (c: Collection, name = c.name) => ({
    path: c.path,
    body: object(c, name, c.spec ? { spec: c.spec } : {}),
  });
  const external = 'ovn-vpc-external-network';
  const cidr = { cidrBlock: '172.30.0.0/24', provider: `${external}.kube-system` };
  return [
    nat('ovn-vpc-nat-config', { image: 'x' }),
    nat('ovn-vpc-nat-gw-config', { 'enable-vpc-nat-gw': 'true' }),
    seed(kubeovn('Subnet', 'subnets', cidr), external),
    ...collections.flatMap((c) => (c.kind === 'IptablesEIP' ? [seed(c), seed(c, 'fz2')] : [seed(c)])),
  ];
}

// prettier-ignore
const words = [
  '', 'a', 'fz', 'fzs', '__proto__', 'constructor', 'toString', 'default', '-', 'A B', '0', '10.9.0.7', '10.9.0.0/24',
  'fd00::/64', 'tcp', 'kube-system', 'ovn', 'true', 'ip4.src == 10.0.0.0/8', 'x'.repeat(300),
];
const word = fc.constantFrom(...words);
const key = fc.oneof(word, fc.string({ maxLength: 8 }));
const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  word,
  word,
  fc.integer(),
  fc.double(),
  fc.constant(null),
);
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leaf,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;
/** Mostly `good`, sometimes anything. */
const mostly = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: value });

const labelKey = fc.oneof(
  key,
  fc.constantFrom('app', 'kubernetes.io/name', 'ovn.kubernetes.io/logical_switch', 'a/b/c'),
);
const annotationKey = fc.oneof(
  key,
  fc.constantFrom(
    'ovn.kubernetes.io/ip_address',
    'ovn.kubernetes.io/logical_switch',
    'k8s.v1.cni.cncf.io/networks',
    'ovn.kubernetes.io/routes',
  ),
);
const ownerReference = fc.record(
  {
    apiVersion: word,
    kind: word,
    name: word,
    uid: word,
    controller: fc.boolean(),
    blockOwnerDeletion: fc.boolean(),
  },
  { requiredKeys: [] },
);
/** Fields most requests leave out: when set, most of them refuse the request early (409, 400). */
const rareMetadata = fc.record(
  {
    resourceVersion: mostly(fc.constantFrom('1', '999999999999999999999', '-1', '0', 'x')),
    generateName: mostly(word),
    deletionTimestamp: mostly(fc.constantFrom('2026-01-01T00:00:00Z', 'x')),
    namespace: mostly(fc.constantFrom('default', 'kube-system', 'x')),
  },
  { requiredKeys: [] },
);
const annotations = fc.dictionary(
  annotationKey,
  fc.oneof(
    word,
    value.map((v) => JSON.stringify(v)),
  ),
  { maxKeys: 3 },
);
const metadata = (name: string): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      fc.record(
        {
          name: fc.oneof(
            { weight: 8, arbitrary: fc.constant(name) },
            { weight: 2, arbitrary: fc.oneof(word, leaf) },
          ),
          labels: mostly(fc.dictionary(labelKey, word, { maxKeys: 3 })),
          annotations: mostly(annotations),
          finalizers: mostly(fc.array(word, { maxLength: 2 })),
          ownerReferences: mostly(fc.array(ownerReference, { maxLength: 2 })),
        },
        { requiredKeys: ['name'] },
      ),
      fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: rareMetadata }),
    )
    .map(([common, rare]) => ({ ...common, ...rare }));

// prettier-ignore
const specKeys = [
  'containers', 'policyRoutes', 'staticRoutes', 'cidrBlock', 'gateway', 'vpc', 'protocol', 'excludeIps', 'namespaces',
  'selector', 'replicas', 'ports', 'type', 'clusterIP', 'clusterIPs', 'v4ip', 'natGwDp', 'lanIp', 'subnet', 'eip',
  'internalIp', 'externalPort', 'internalPort', 'internalCIDR', 'externalSubnets', 'tolerations', 'nodeName', 'podName',
  'ipAddress', 'macAddress', 'vip', 'holderIdentity', 'leaseDurationSeconds', 'renewTime', 'natOutgoing', 'provider',
  'vlan', 'enableLb', 'acls', 'default', 'private', 'allowSubnets', 'u2oInterconnection', 'gatewayType', 'qosPolicy',
];
const policyRoute = fc.record(
  {
    priority: fc.oneof(fc.integer({ min: -1, max: 40000 }), leaf),
    match: fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        'ip4.src == 10.0.0.0/8',
        `${'('.repeat(900)}ip4${')'.repeat(900)}`,
        'tcp.dst == 99999999999999999999',
        'inport == @pg',
      ),
    ),
    action: fc.constantFrom('allow', 'drop', 'reroute', 'x'),
    nextHopIP: fc.constantFrom('10.0.0.1', 'x', '', '10.0.0.1,10.0.0.2', 'fd00::1'),
  },
  { requiredKeys: [] },
);
const staticRoute = fc.record(
  {
    policy: fc.constantFrom('policyDst', 'policySrc', 'x'),
    cidr: fc.oneof(word, fc.constantFrom('0.0.0.0/0', '10.0.0.0/33')),
    nextHopIP: word,
    routeTable: word,
  },
  { requiredKeys: [] },
);

/** The seed's spec with some members replaced or added, or routes for a Vpc. */
function spec(c: Collection): fc.Arbitrary<unknown> {
  const seed = c.spec ?? {};
  return fc.oneof(
    fc
      .dictionary(fc.constantFrom(...specKeys), value, { maxKeys: 3 })
      .map((extra) => ({ ...seed, ...extra })),
    fc
      .dictionary(fc.constantFrom(...Object.keys(seed), 'x'), leaf, { maxKeys: 2 })
      .map((extra) => ({ ...seed, ...extra })),
    fc
      .record(
        {
          policyRoutes: fc.array(policyRoute, { maxLength: 3 }),
          staticRoutes: fc.array(staticRoute, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      )
      .map((routes) => ({ ...seed, ...routes })),
  );
}

/** An object for a collection, named `name`, with its TypeMeta most of the time. */
function body(c: Collection, name: string): fc.Arbitrary<unknown> {
  const top = fc.dictionary(fc.constantFrom(...(c.top ?? ['status']), 'status'), value, { maxKeys: 2 });
  const typed = fc
    .record({ meta: metadata(name), spec: spec(c), top, typeMeta: fc.boolean() })
    .map(({ meta, spec: s, top: t, typeMeta }) => ({
      ...(typeMeta ? { apiVersion: c.apiVersion, kind: c.kind } : {}),
      metadata: meta,
      ...(c.spec || c.kind === 'Pod' ? { spec: s } : {}),
      ...t,
    }));
  return fc.oneof({ weight: 9, arbitrary: typed }, { weight: 1, arbitrary: value });
}

// prettier-ignore
const jsonPatchPaths = [
  '/metadata/labels', '/metadata/labels/a', '/metadata/name', '/metadata/finalizers', '/metadata/finalizers/-',
  '/metadata/ownerReferences', '/spec', '/spec/x', '/spec/policyRoutes', '/spec/policyRoutes/-', '/data', '/data/a',
  '/metadata/annotations/a', '/status', '/kind', '/metadata/resourceVersion', '/metadata/deletionTimestamp', '/metadata/uid',
];
const jsonPatch = fc.array(
  fc.record(
    {
      op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'),
      path: fc.constantFrom(...jsonPatchPaths),
      from: fc.constantFrom(...jsonPatchPaths),
      value: fc.oneof(value, fc.array(policyRoute, { maxLength: 2 })),
    },
    { requiredKeys: ['op', 'path'] },
  ),
  { minLength: 1, maxLength: 3 },
);

export interface FuzzRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: string | Buffer;
}

const encoded = (v: unknown, yaml: boolean): string =>
  yaml ? yamlStringify(v) : (JSON.stringify(v) ?? 'null');
const protobufLike = fc
  .uint8Array({ maxLength: 40 })
  .map((b) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), b]));
const garbage = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '{', '[]', 'null', '"x"', '- a\n- b'),
);

const writeQuery = fc.constantFrom('', '?dryRun=All', '?fieldValidation=Strict');

/** Query strings of a list: label and field selectors, paging and resourceVersion, made up. */
const listQuery = fc
  .record({
    labels: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('a=b', 'a in (b,c)', '!a', 'a,b!=c', 'a>1', 'x/y=z'),
    ),
    fields: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('metadata.name=fz', 'metadata.namespace!=x', 'spec.nodeName=a', 'a\\,b=c'),
    ),
    extra: fc.constantFrom(
      '',
      '&limit=1',
      '&limit=-1',
      '&limit=x',
      '&continue=abc',
      '&resourceVersion=1&resourceVersionMatch=NotOlderThan',
      '&resourceVersion=x',
    ),
  })
  .map(
    ({ labels, fields, extra }) =>
      `?labelSelector=${encodeURIComponent(labels)}&fieldSelector=${encodeURIComponent(fields)}${extra}`,
  );

const deleteOptions = fc.record(
  { propagationPolicy: fc.oneof(word, value), preconditions: value, orphanDependents: leaf, dryRun: value },
  { requiredKeys: [] },
);
const rawTypes = [
  'application/vnd.kubernetes.protobuf',
  'application/json',
  'application/yaml',
  'text/plain',
  '',
];

/** The requests on one collection; PUT, PATCH and DELETE name its seed, or `n1` that POST may have created. */
function requestsFor(c: Collection): fc.Arbitrary<FuzzRequest> {
  const named = fc.constantFrom(`${c.path}/${c.name}`, `${c.path}/${c.name}/status`);
  const request = (method: string, path: string, contentType: string, v: unknown): FuzzRequest => ({
    method,
    path,
    contentType,
    body: encoded(v, contentType.includes('yaml')),
  });
  const write = (method: string, path: fc.Arbitrary<string>, name: string) =>
    fc
      .tuple(path, fc.constantFrom('application/json', 'application/yaml'), body(c, name), writeQuery)
      .map(([p, type, v, query]) => request(method, p + query, type, v));
  const patch = (type: string, patchBody: fc.Arbitrary<unknown>, query: fc.Arbitrary<string>) =>
    fc.tuple(named, patchBody, query).map(([path, v, q]) => request('PATCH', path + q, type, v));
  const deletion = fc
    .tuple(fc.constantFrom(`${c.path}/${c.name}?dryRun=All`, `${c.path}/n1`), mostly(deleteOptions))
    .map(([path, v]) => request('DELETE', path, 'application/json', v));
  const raw = fc
    .tuple(
      fc.constantFrom('POST', 'PUT', 'PATCH'),
      fc.constantFrom(...rawTypes),
      fc.oneof(protobufLike, garbage),
    )
    .map(([method, contentType, b]): FuzzRequest => ({
      method,
      path: method === 'POST' ? c.path : `${c.path}/${c.name}`,
      contentType,
      body: b,
    }));
  const dryRun = fc.constantFrom('', '?dryRun=All');
  return fc.oneof(
    write('POST', fc.constant(c.path), 'n1'),
    write('PUT', named, c.name),
    patch('application/merge-patch+json', body(c, c.name), dryRun),
    patch('application/strategic-merge-patch+json', body(c, c.name), dryRun),
    patch(
      'application/apply-patch+yaml',
      body(c, c.name),
      fc.constantFrom('?fieldManager=fz', '?fieldManager=fz&force=true', '?fieldManager=fz', ''),
    ),
    patch('application/json-patch+json', jsonPatch, fc.constant('')),
    deletion,
    listQuery.map((q): FuzzRequest => ({ method: 'GET', path: c.path + q })),
    raw,
  );
}

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...collections).chain(requestsFor);
