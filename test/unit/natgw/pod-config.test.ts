// Table-driven tests of the gateway agent's in-pod configuration (src/natgw/pod-config.ts): its pod from the
// downward API with no flags, the node when given, each flag in both spellings, and errors naming the missing
// variable, the unknown flag or the empty value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGatewayPodConfig, type GatewayPodConfig } from '../../../src/natgw/pod-config.ts';

const pod = { POD_NAME: 'vpc-nat-gw-gw1-0', POD_NAMESPACE: 'kube-system' };
const defaults: GatewayPodConfig = {
  pod: { namespace: 'kube-system', name: 'vpc-nat-gw-gw1-0' },
  metricsAddr: '127.0.0.1:10661',
  logLevel: 'info',
};

void test('in-pod configuration: accepted', () => {
  const cases: { name: string; argv: string[]; env: NodeJS.ProcessEnv; want: GatewayPodConfig }[] = [
    { name: 'no flags in a pod', argv: [], env: pod, want: defaults },
    {
      name: 'the node from the downward API',
      argv: [],
      env: { ...pod, KUBE_NODE_NAME: 'kube-ovn-worker' },
      want: { ...defaults, node: 'kube-ovn-worker' },
    },
    { name: 'an empty node is no node', argv: [], env: { ...pod, KUBE_NODE_NAME: '' }, want: defaults },
    {
      name: 'every flag, both spellings',
      argv: [
        '--kubeconfig',
        '/k.yaml',
        '--metrics-addr=127.0.0.1:0',
        '--metrics-url-file',
        '/tmp/u',
        '--log-level=debug',
      ],
      env: pod,
      want: {
        ...defaults,
        kubeconfig: '/k.yaml',
        metricsAddr: '127.0.0.1:0',
        metricsUrlFile: '/tmp/u',
        logLevel: 'debug',
      },
    },
  ];
  for (const c of cases) assert.deepEqual(parseGatewayPodConfig(c.argv, c.env), c.want, c.name);
});

void test('in-pod configuration: refused with the reason', () => {
  const cases: { name: string; argv: string[]; env: NodeJS.ProcessEnv; error: RegExp }[] = [
    { name: 'outside a pod', argv: [], env: {}, error: /^POD_NAME and POD_NAMESPACE are not set/ },
    {
      name: 'no name',
      argv: [],
      env: { POD_NAMESPACE: 'kube-system' },
      error: /^POD_NAME is not set \(the pod template sets them from the downward API\)/,
    },
    {
      name: 'empty namespace',
      argv: [],
      env: { ...pod, POD_NAMESPACE: '' },
      error: /^POD_NAMESPACE is not set/,
    },
    {
      name: 'unknown flag',
      argv: ['--node', 'n1'],
      env: pod,
      error: /Unknown option '--node'[\s\S]*usage: natgw/,
    },
    { name: 'positional', argv: ['extra'], env: pod, error: /extra/ },
    { name: 'flag without value', argv: ['--metrics-addr'], env: pod, error: /--metrics-addr/ },
    { name: 'empty value', argv: ['--kubeconfig='], env: pod, error: /^--kubeconfig needs a value/ },
  ];
  for (const c of cases)
    assert.throws(() => parseGatewayPodConfig(c.argv, c.env), { message: c.error }, c.name);
});
