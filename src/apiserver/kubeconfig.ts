/**
 * The kubeconfig that points kubectl and client libraries at this server: cluster with the CA inline
 * (certificate-authority-data), a user with the bearer token, one context, namespace default.
 */
import { stringify } from 'yaml';
import { writeSecret } from './pki.ts';

export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kovn',
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: 'kovn-admin', user: { token } }],
    contexts: [{ name: 'kovn', context: { cluster: 'kovn', user: 'kovn-admin', namespace: 'default' } }],
    'current-context': 'kovn',
    preferences: {},
  });
}

export function writeKubeconfig(path: string, server: string, caPem: string, token: string): void {
  writeSecret(path, kubeconfigYaml(server, caPem, token));
}
