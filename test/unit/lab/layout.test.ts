// The lab layout's names: which namespace names a lab owns (the four shapes it creates, with its id, nothing
// else: another id, a longer id that starts with this one, a bare prefix), and where its id's claim lives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labLayout } from '../../../src/lab/layout.ts';

void test('a lab owns exactly the namespace names it creates', () => {
  const layout = labLayout('/h', 'kovn');
  const cases: [string, boolean][] = [
    ['kovn-ul', true],
    ['kovn-n-kube-ovn-worker', true],
    ['kovn-p-ns1.vpc1-pod', true],
    ['kovn-x-external', true],
    ['kovn-n-', false],
    ['kovn-p-', false],
    ['kovn-ulx', false],
    ['kovn-other', false],
    ['kovn2-ul', false],
    ['kovnx-n-a', false],
    ['t1-n-a', false],
    ['kovn', false],
  ];
  for (const [name, owned] of cases) assert.equal(layout.owns(name), owned, name);
  assert.equal(layout.owns(layout.podNetns('ns1', 'p')), true);
  assert.equal(layout.owns(layout.upstreamNetns('ext')), true);
});

void test('the claim of an id is machine-wide, the TProxy socket per node', () => {
  assert.equal(labLayout('/h', 'kovn').claimFile, '/run/kovn/labs/kovn.json');
  assert.equal(
    labLayout('/other', 'kovn').claimFile,
    '/run/kovn/labs/kovn.json',
    'one claim per id, any home',
  );
  assert.equal(labLayout('/h', 'ab1', '/tmp/r').claimFile, '/tmp/r/labs/ab1.json');
  assert.equal(labLayout('/h', 'kovn').tproxySocket('a'), '/h/nodes/a/tproxy.sock');
  assert.throws(() => labLayout('/h', 'Kovn'), /1-12 of \[a-z0-9\]/);
});
