// The lab's endpoints controller against the embedded API server: a selector-based Service gets its Endpoints and
// slice when a matching pod has an IP and is Ready; each kind it watches brings the Service back to a converged state:
// a pod that goes leaves the addresses, an Endpoints object deleted by hand comes back, and a stray slice of the
// Service is removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { kubeRequest } from '../../../../src/kube/request.ts';
import { startEndpointsController } from '../../../../src/lab/control-plane/endpoints.ts';
import {
  SLICE_MANAGED_BY,
  SLICE_MANAGER,
  SLICE_SERVICE_LABEL,
} from '../../../../src/lab/control-plane/endpoints-desired.ts';
import { embeddedApiServer, eventually } from '../../../support/embedded-apiserver.ts';

const NS = '/api/v1/namespaces/default';
const SLICES = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';

interface EndpointsLike extends KubeObject {
  subsets?: { addresses?: { ip: string }[] }[];
}

void test(
  'endpoints controller: addresses follow the pods; Endpoints and slices are kept',
  { timeout: 60_000 },
  async (t) => {
    const lab = await embeddedApiServer(t);
    const kc = lab.kubeConfig;
    const controller = await startEndpointsController({ kubeConfig: kc });
    lab.defer(() => controller.stop());
    const get = <T extends KubeObject>(path: string) =>
      kubeRequest<T>(kc, { method: 'GET', path }).catch(() => undefined);
    const addresses = async (): Promise<string[] | undefined> => {
      const ep = await get<EndpointsLike>(`${NS}/endpoints/web`);
      return ep && (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
    };

    await kubeRequest(kc, {
      method: 'POST',
      path: `${NS}/services`,
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    await kubeRequest(kc, {
      method: 'POST',
      path: `${NS}/pods`,
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-a', namespace: 'default', labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      },
    });
    await kubeRequest(kc, {
      method: 'PATCH',
      path: `${NS}/pods/web-a/status`,
      body: {
        status: { phase: 'Running', podIP: '10.0.0.7', conditions: [{ type: 'Ready', status: 'True' }] },
      },
      patch: 'merge',
    });
    await eventually(
      async () => (await addresses())?.join() === '10.0.0.7',
      'web-a in the Endpoints',
      20_000,
    );
    assert.ok(await get(`${SLICES}/web-0`), 'the slice web-0');

    // An Endpoints object deleted by hand comes back.
    await kubeRequest(kc, { method: 'DELETE', path: `${NS}/endpoints/web` });
    await eventually(
      async () => (await addresses())?.join() === '10.0.0.7',
      'Endpoints web re-created',
      20_000,
    );

    // A stray slice of the Service, under the controller's name, is removed.
    await kubeRequest(kc, {
      method: 'POST',
      path: SLICES,
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'web-9',
          namespace: 'default',
          labels: { [SLICE_SERVICE_LABEL]: 'web', [SLICE_MANAGED_BY]: SLICE_MANAGER },
        },
        addressType: 'IPv4',
        endpoints: [],
      },
    });
    await eventually(async () => !(await get(`${SLICES}/web-9`)), 'stray slice web-9 removed', 20_000);

    // The pod goes: so does its address.
    await kubeRequest(kc, { method: 'DELETE', path: `${NS}/pods/web-a` });
    await eventually(async () => (await addresses())?.join() === '', 'no address left', 20_000);
  },
);
