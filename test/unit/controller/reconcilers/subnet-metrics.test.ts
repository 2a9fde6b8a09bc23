// The controller's subnet address metrics: one sample per subnet family, the same counts as the status counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipam, seededRandom } from '../../../../src/ipam/index.ts';
import { subnetIpSamples } from '../../../../src/controller/reconcilers/subnet-metrics.ts';

// available = usable - gateway - excludeIps - used
void test('per subnet and family: cidr, available and used, as the subnet status counts them', () => {
  const ipam = new Ipam({ random: seededRandom(1) });
  assert.ok(
    ipam.addOrUpdateSubnet({ name: 's4', cidrBlock: '10.0.1.0/24', excludeIps: ['10.0.1.2..10.0.1.11'] }).ok,
  );
  assert.ok(ipam.addOrUpdateSubnet({ name: 'dual', cidrBlock: '10.0.2.0/28,fd00::/120' }).ok);
  assert.ok(ipam.allocate('s4', 'pod/ns/a').ok);
  assert.ok(ipam.allocate('dual', 'pod/ns/b').ok);
  const samples = subnetIpSamples(ipam);
  assert.deepEqual(samples, [
    { subnet: 's4', protocol: 'IPv4', cidr: '10.0.1.0/24', available: 254 - 1 - 10 - 1, used: 1 },
    { subnet: 'dual', protocol: 'IPv4', cidr: '10.0.2.0/28', available: 14 - 1 - 1, used: 1 },
    { subnet: 'dual', protocol: 'IPv6', cidr: 'fd00::/120', available: 254 - 1 - 1, used: 1 },
  ]);
  const status = ipam.subnet('s4')!.status();
  assert.equal(samples[0]!.available, status.v4availableIPs);
  assert.equal(samples[0]!.used, status.v4usingIPs);
});
