// kovn trace's pure parts on ovn-trace output captured from this machine's real OVN 23.03 (fixtures/trace/*.txt,
// a lab VPC rt-vpc with subnets rt-a, rt-b (route table rtb) and rt-r holding router pods r1 10.20.3.11 and
// r2 10.20.3.12; the Vpc spec in vpc-spec.json): each trace summarised to routers, route, policy, next hop and
// verdict, mapped back to the spec entries; and the microflow built for a pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { VpcSpec } from '../../../src/api/kinds/vpc.ts';
import { buildMicroflow, macHolding, MicroflowError } from '../../../src/cli/trace/microflow.ts';
import { parseTrace } from '../../../src/cli/trace/parse.ts';
import { renderSummary } from '../../../src/cli/trace/render.ts';
import { summarizeTrace } from '../../../src/cli/trace/summary.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/trace/${name}`, import.meta.url), 'utf8');
const spec = JSON.parse(fixture('vpc-spec.json')) as VpcSpec;
const tableOf = (port: string) => (port === 'rt-vpc-rt-b' ? 'rtb' : '');
const lines = (name: string) => renderSummary(summarizeTrace(parseTrace(fixture(name)), tableOf), () => spec);

const cases: { file: string; want: RegExp[] }[] = [
  {
    file: 'ecmp-route.txt',
    want: [
      /^path: +rt-a -> router rt-vpc -> rt-r$/,
      /^ {2}route: +dst-ip 198\.51\.100\.9\/32 via 10\.20\.3\.11 \(main table, ECMP group of 2.*<- spec\.staticRoutes\[0\], spec\.staticRoutes\[1\]$/,
      /^ {2}policy: +none matched \(allow\)$/,
      /^ {2}next hop: 10\.20\.3\.11 out rt-vpc-rt-r$/,
      /^verdict: +delivered to r1\.rt$/,
    ],
  },
  {
    file: 'reroute-policy.txt',
    want: [
      /^ {2}route: +directly connected 10\.20\.2\.0\/24 out rt-vpc-rt-b$/,
      /^ {2}policy: +priority 31500 reroute via 10\.20\.3\.12: inport == "rt-vpc-rt-a" .* <- spec\.policyRoutes\[0\]$/,
      /^ {2}next hop: 10\.20\.3\.12 \(policy reroute\)$/,
      /^verdict: +delivered to r2\.rt$/,
    ],
  },
  {
    file: 'drop-policy.txt',
    want: [
      /^router rt-vpc \(in from rt-vpc-rt-b, route table rtb\):$/,
      /^ {2}route: +dst-ip 0\.0\.0\.0\/0 via 10\.20\.3\.12 \(table rtb\) <- spec\.staticRoutes\[2\]$/,
      /^ {2}policy: +priority 1000 drop: ip4\.dst == 198\.51\.100\.100 && tcp\.dst == 80 <- spec\.policyRoutes\[1\]$/,
      /^ {2}next hop: none \(dropped by policy\)$/,
      /^verdict: +dropped in lr_in_policy/,
    ],
  },
  {
    file: 'route-table.txt',
    want: [/<- spec\.staticRoutes\[2\]$/, /^verdict: +delivered to r2\.rt$/],
  },
  {
    file: 'no-route.txt',
    want: [
      /^ {2}route: +no route matched: dropped \(main table\)$/,
      /^ {2}policy: +not reached$/,
      /^verdict: +dropped in lr_in_ip_routing/,
    ],
  },
  {
    file: 'connected.txt',
    want: [
      /^ {2}policy: +priority 31000 allow: ip4\.dst == 10\.20\.3\.0\/24 \(kovn: per-subnet allow\)$/,
      /^verdict: +delivered to r1\.rt$/,
    ],
  },
];

for (const c of cases) {
  void test(`summary of ${c.file}`, () => {
    const got = lines(c.file);
    for (const re of c.want)
      assert.ok(
        got.some((l) => re.test(l)),
        `${re} in\n${got.join('\n')}`,
      );
  });
}

void test('a route not in the spec is said to be foreign', () => {
  const got = renderSummary(summarizeTrace(parseTrace(fixture('ecmp-route.txt')), tableOf), () => ({}));
  assert.ok(
    got.some((l) => l.includes('(not from the Vpc spec)')),
    got.join('\n'),
  );
});

void test('microflow: TCP, UDP, ICMP, IPv6; errors for a bad destination or a missing family', () => {
  const base = {
    lsp: 'a.ns',
    mac: '0a:00:00:00:00:01',
    ips: ['10.0.1.5', 'fd00::5'],
    dstMac: '0a:00:00:00:00:ff',
  };
  assert.equal(
    buildMicroflow({ ...base, dest: '198.51.100.9', l4: { proto: 'tcp', port: 80 } }),
    'inport == "a.ns" && eth.src == 0a:00:00:00:00:01 && eth.dst == 0a:00:00:00:00:ff && ip4.src == 10.0.1.5 && ' +
      'ip4.dst == 198.51.100.9 && ip.ttl == 64 && tcp && tcp.src == 40000 && tcp.dst == 80',
  );
  assert.match(
    buildMicroflow({ ...base, dest: '10.0.2.1', l4: { proto: 'udp', port: 53 } }),
    /udp\.dst == 53$/,
  );
  assert.match(buildMicroflow({ ...base, dest: '10.0.2.1' }), /icmp4 && icmp4\.type == 8/);
  assert.match(buildMicroflow({ ...base, dest: 'fd00::9' }), /ip6\.src == fd00::5 .*icmp6\.type == 128/);
  assert.throws(() => buildMicroflow({ ...base, dest: 'nowhere' }), MicroflowError);
  assert.throws(() => buildMicroflow({ ...base, ips: ['10.0.1.5'], dest: 'fd00::9' }), /no IPv6 address/);
  assert.throws(
    () => buildMicroflow({ ...base, dest: '10.0.2.1', l4: { proto: 'tcp', port: 0 } }),
    /bad port/,
  );
});

void test('macHolding finds the port holding an address', () => {
  const addrs = ['0a:00:00:00:00:02 10.0.1.2', 'router', '0a:00:00:00:00:03 10.0.1.3 fd00::3'];
  assert.equal(macHolding(addrs, '10.0.1.3'), '0a:00:00:00:00:03');
  assert.equal(macHolding(addrs, 'fd00::3'), '0a:00:00:00:00:03');
  assert.equal(macHolding(addrs, '10.0.1.9'), undefined);
});

void test("the default VPC's own route and node reroutes are named as kovn's; the same in a custom VPC is foreign", () => {
  const hop = (router: string) => ({
    router,
    inport: `${router}-ovn-default`,
    table: '',
    route: {
      kind: 'static' as const,
      policy: 'dst-ip' as const,
      prefix: '0.0.0.0/0',
      nexthop: '100.64.0.1',
      ecmp: 1,
      outport: `${router}-join`,
    },
    policy: {
      priority: 29000,
      match: 'ip4.src == $ovn.default.kube.ovn.worker_ip4',
      action: 'reroute' as const,
      nexthop: '100.64.0.3',
    },
    policyReached: true,
  });
  const render = (router: string) =>
    renderSummary(
      { path: [router], routers: [hop(router)], verdict: { kind: 'output', port: 'node-kube-ovn-worker' } },
      () => ({}),
    );
  const cluster = render('ovn-cluster');
  assert.ok(
    cluster.some((l) =>
      /route: .*0\.0\.0\.0\/0 via 100\.64\.0\.1 .*\(kovn: the default VPC's way out/.test(l),
    ),
    cluster.join('\n'),
  );
  assert.ok(
    cluster.some((l) =>
      /policy: +priority 29000 reroute via 100\.64\.0\.3: .*\(kovn: a node's pods leave/.test(l),
    ),
    cluster.join('\n'),
  );
  const custom = render('vpc1');
  assert.equal(custom.filter((l) => l.includes('(not from the Vpc spec)')).length, 2, custom.join('\n'));
});
