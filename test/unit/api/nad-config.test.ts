import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachmentProvider, isOvnNetworkConfig } from '../../../src/api/nad-config.ts';
import type { KubeObject } from '../../../src/api/types.ts';

const nad = (config: unknown): KubeObject => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name: 'attnet', namespace: 'ns1' },
  spec: { config },
});

describe('NAD config: OVN network or address only', () => {
  it('is an OVN network when the config, or a plugin of its list, is of type kube-ovn (or kovn)', () => {
    const cases: [unknown, boolean][] = [
      ['{"cniVersion":"0.3.1","type":"kube-ovn","provider":"attnet.ns1.ovn"}', true],
      ['{"cniVersion":"1.0.0","name":"x","plugins":[{"type":"kube-ovn"},{"type":"portmap"}]}', true],
      ['{"cniVersion":"1.0.0","name":"x","plugins":[{"type":"bridge"}]}', false],
      ['{"cniVersion":"1.0.0","type":"kovn"}', true],
      ['{"cniVersion":"0.3.1","type":"macvlan","ipam":{"type":"kube-ovn"}}', false],
      ['{"type": "kube-ovn"', false],
      ['"kube-ovn"', false],
      [undefined, false],
      [42, false],
    ];
    for (const [config, want] of cases) assert.equal(isOvnNetworkConfig(config), want, String(config));
  });

  it('names the provider <name>.<ns>.ovn for an OVN network, <name>.<ns> otherwise or when the NAD is unknown', () => {
    const ovn = nad('{"cniVersion":"0.3.1","type":"kube-ovn"}');
    const macvlan = nad('{"cniVersion":"0.3.1","type":"macvlan"}');
    assert.equal(
      attachmentProvider('ns1', 'attnet', () => ovn),
      'attnet.ns1.ovn',
    );
    assert.equal(
      attachmentProvider('ns1', 'attnet', () => macvlan),
      'attnet.ns1',
    );
    assert.equal(
      attachmentProvider('ns1', 'attnet', () => undefined),
      'attnet.ns1',
    );
    assert.equal(attachmentProvider('ns1', 'attnet', undefined), 'attnet.ns1');
  });
});
