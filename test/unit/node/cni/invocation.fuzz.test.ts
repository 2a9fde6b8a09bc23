// Fuzzing of what kovn-cni reads from a container runtime (src/node/cni/invocation.ts, plugin.ts): any CNI_*
// environment and any stdin give an invocation and a network configuration, or a CniError with one of the spec's
// codes (which kovn-cni prints as the CNI error object), never another exception (which it could only report as
// code 999 "kovn-cni failed"). CNI_COMMAND=toString used to be taken for a command (`in` saw Object.prototype).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCniArgs, parseEnv, parseNetConf, podOf } from '../../../../src/node/cni/invocation.ts';
import { versionOf } from '../../../../src/node/cni/plugin.ts';
import { CniCode, CniError } from '../../../../src/node/cni/spec.ts';
import { fuzz, parsedOrRejected, tokenSoup } from '../../../support/fuzz.ts';

const knownCodes = new Set<number>(Object.values(CniCode));
const isCniError = (error: unknown): boolean => error instanceof CniError && knownCodes.has(error.code);

const word = fc.oneof(
  fc.constantFrom('', 'x', 'ns', 'pod', '/var/run/netns/x', 'eth0', '__proto__', 'constructor', 'toString'),
  fc.string({ maxLength: 6 }),
);
const cniArgs = tokenSoup(
  ['K8S_POD_NAMESPACE', 'K8S_POD_NAME', 'IgnoreUnknown', '=', ';', '==', 'ns', 'pod', '__proto__', ' '],
  12,
);
const env = fc.record(
  {
    CNI_COMMAND: fc.oneof(
      fc.constantFrom(
        'ADD',
        'DEL',
        'CHECK',
        'VERSION',
        'add',
        'toString',
        'constructor',
        '__proto__',
        'hasOwnProperty',
      ),
      word,
    ),
    CNI_CONTAINERID: word,
    CNI_NETNS: word,
    CNI_IFNAME: word,
    CNI_ARGS: fc.oneof(cniArgs, word),
    CNI_PATH: fc.oneof(fc.constantFrom('/opt/cni/bin', '::', '/a:/b'), word),
    KOVN_CNI_SOCKET: word,
  },
  { requiredKeys: [] },
);

const json = fc.jsonValue({ maxDepth: 2 });
const route = fc.oneof(
  fc.record({ dst: fc.oneof(word, json), gw: fc.oneof(word, json) }, { requiredKeys: [] }),
  json,
);
const netConf = fc.record(
  {
    cniVersion: fc.oneof(fc.constantFrom('0.3.0', '0.3.1', '0.4.0', '1.0.0', '0.2.0', '2.0.0', ''), json),
    name: fc.oneof(word, json),
    type: fc.oneof(fc.constantFrom('kube-ovn', 'macvlan', 'bridge'), word, json),
    server_socket: fc.oneof(word, json),
    provider: fc.oneof(fc.constantFrom('ovn', 'net1.ns.ovn'), word, json),
    routes: fc.oneof(fc.array(route, { maxLength: 3 }), json),
    ipam: fc.oneof(
      fc.record(
        {
          type: fc.oneof(fc.constantFrom('kube-ovn'), word, json),
          provider: fc.oneof(word, json),
          server_socket: word,
        },
        { requiredKeys: [] },
      ),
      json,
    ),
  },
  { requiredKeys: [] },
);
const stdin = fc.oneof(
  { weight: 4, arbitrary: netConf.map((c) => JSON.stringify(c)) },
  { weight: 1, arbitrary: json.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

describe('CNI invocations under fuzzing', () => {
  it('any environment: an invocation (and a pod, or its CniError) or a CniError', () => {
    fuzz(
      env,
      (e) => {
        const invocation = parsedOrRejected(() => parseEnv(e), isCniError);
        if (invocation instanceof Error) return;
        assert.ok(['ADD', 'DEL', 'CHECK', 'VERSION'].includes(invocation.command));
        parsedOrRejected(() => podOf(invocation), isCniError);
      },
      { seed: 2801, numRuns: 2000 },
    );
  });

  it('any CNI_ARGS: key/value pairs or a CniError', () => {
    fuzz(
      fc.oneof(cniArgs, fc.string({ maxLength: 30 })),
      (text) => void parsedOrRejected(() => parseCniArgs(text), isCniError),
      {
        seed: 2802,
        numRuns: 2000,
      },
    );
  });

  it('any stdin: a network configuration or a CniError; versionOf never throws', () => {
    fuzz(
      fc.tuple(stdin, env),
      ([text, e]) => {
        const conf = parsedOrRejected(() => parseNetConf(text, e), isCniError);
        if (!(conf instanceof Error)) assert.ok(conf.provider !== '' && conf.type !== '');
        assert.equal(typeof versionOf(text), 'string');
      },
      { seed: 2803, numRuns: 2000 },
    );
  });

  it('refuses CNI_COMMAND values that name Object.prototype members (regression)', () => {
    for (const command of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      assert.throws(
        () => parseEnv({ CNI_COMMAND: command, CNI_CONTAINERID: 'c', CNI_NETNS: '/n', CNI_IFNAME: 'eth0' }),
        (e: unknown) => e instanceof CniError && e.code === CniCode.InvalidEnvironment,
        command,
      );
    }
  });
});
