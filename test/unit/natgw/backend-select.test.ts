// Choosing the NAT rule backend: the `natBackend` key of ovn-vpc-nat-config read as a setting (absent: iptables;
// an invalid value an error naming the ConfigMap, the key and the reason, and refused at admission), and `auto`
// resolved by asking the namespace whether nft takes kovn's table in a check transaction (a runner double stands in
// for the namespace: nft working, refusing, or absent).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit } from '../../../src/api/admission.ts';
import { readNatBackend } from '../../../src/api/kinds/configmaps.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { resolveBackend } from '../../../src/natgw/backend-select.ts';
import type { Run } from '../../../src/natgw/backends.ts';
import { memoryView } from '../../support/objects.ts';

const o = { vpcIf: 'eth0', extIf: 'net1' };
const config = (data: Record<string, string>, name = 'ovn-vpc-nat-config'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'kube-system' },
  data,
});

describe('the natBackend setting', () => {
  const cases: { name: string; cm: KubeObject | undefined; want: ReturnType<typeof readNatBackend> }[] = [
    { name: 'no ConfigMap', cm: undefined, want: { ok: true, value: 'iptables' } },
    { name: 'no key', cm: config({ image: 'x' }), want: { ok: true, value: 'iptables' } },
    { name: 'empty', cm: config({ image: 'x', natBackend: '' }), want: { ok: true, value: 'iptables' } },
    {
      name: 'nftables',
      cm: config({ image: 'x', natBackend: 'nftables' }),
      want: { ok: true, value: 'nftables' },
    },
    { name: 'auto', cm: config({ image: 'x', natBackend: 'auto' }), want: { ok: true, value: 'auto' } },
    {
      name: 'a value kovn does not have',
      cm: config({ image: 'x', natBackend: 'nft' }),
      want: {
        ok: false,
        reason:
          'ConfigMap kube-system/ovn-vpc-nat-config: data.natBackend: "nft" is not one of "auto", "iptables", "nftables"',
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(readNatBackend(c.cm), c.want));

  it('is refused at admission when invalid, naming the key', () => {
    const refused = admit({
      operation: 'CREATE',
      object: config({ image: 'x', natBackend: 'NFTables' }),
      view: memoryView([]),
    });
    assert.equal(refused.allowed, false);
    assert.deepEqual(refused.allowed ? [] : refused.issues.map((i) => [i.field, i.message]), [
      ['data.natBackend', 'supported values: "auto", "iptables", "nftables"'],
    ]);
    const accepted = admit({
      operation: 'CREATE',
      object: config({ image: 'x', natBackend: 'auto' }),
      view: memoryView([]),
    });
    assert.equal(accepted.allowed, true);
  });
});

describe('auto detection', () => {
  /** A namespace where nft answers `code`, or is not installed (the runner rejects as for ENOENT). */
  const namespace = (nft: number | 'absent') => {
    const calls: string[] = [];
    const run: Run = (cmd, args, input) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (nft === 'absent') return Promise.reject(new Error(`spawn ${cmd} ENOENT`));
      assert.match(input ?? '', /^table ip kovn-nat \{\}\ndelete table ip kovn-nat\n/);
      return Promise.resolve({ code: nft, stdout: '', stderr: nft ? 'Error: Could not process rule' : '' });
    };
    return { run, calls };
  };
  it('nft working: nftables, found with a check transaction that writes nothing', async () => {
    const ns = namespace(0);
    assert.equal(await resolveBackend('auto', ns.run, o), 'nftables');
    assert.deepEqual(ns.calls, ['nft -c -f -']);
  });
  it('nft refusing (a kernel without nf_tables nat): iptables', async () => {
    assert.equal(await resolveBackend('auto', namespace(1).run, o), 'iptables');
  });
  it('no nft in the image: iptables', async () => {
    assert.equal(await resolveBackend('auto', namespace('absent').run, o), 'iptables');
  });
  it('an explicit setting asks nothing', async () => {
    const ns = namespace(0);
    assert.equal(await resolveBackend('iptables', ns.run, o), 'iptables');
    assert.equal(await resolveBackend('nftables', ns.run, o), 'nftables');
    assert.deepEqual(ns.calls, []);
  });
});
