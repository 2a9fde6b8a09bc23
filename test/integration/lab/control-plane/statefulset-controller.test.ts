// The lab's StatefulSet controller against the embedded API server: pod `<sts>-0` created from the template with an
// owner reference and the revision label; a deleted pod comes back; a template change replaces the pod; the status
// counts ready pods; deleting the StatefulSet takes the pod with it (the API server's garbage collector).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/types.ts';
import { kubeRequest } from '../../../../src/kube/request.ts';
import { startStatefulSetController } from '../../../../src/lab/control-plane/statefulset.ts';
import { REVISION_LABEL } from '../../../../src/lab/control-plane/statefulset-pods.ts';
import { embeddedApiServer, eventually } from '../../../support/embedded-apiserver.ts';

const STS = '/apis/apps/v1/namespaces/kube-system/statefulsets';
const PODS = '/api/v1/namespaces/kube-system/pods';

void test(
  'StatefulSet controller: create, re-create, roll, status, cascade',
  { timeout: 120_000 },
  async (t) => {
    const lab = await embeddedApiServer(t);
    const kc = lab.kubeConfig;
    const controller = await startStatefulSetController({ kubeConfig: kc });
    lab.defer(() => controller.stop());
    const get = (path: string) => kubeRequest<KubeObject>(kc, { method: 'GET', path }).catch(() => undefined);
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: 'kube-system' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' }, annotations: { a: 'one' } },
          spec: { containers: [{ name: 'c', image: 'x' }], nodeSelector: { 'kubernetes.io/hostname': 'n1' } },
        },
      },
    };
    const created = await kubeRequest<KubeObject>(kc, { method: 'POST', path: STS, body: sts });

    let pod: KubeObject | undefined;
    await eventually(async () => !!(pod = await get(`${PODS}/web-0`)), 'pod web-0', 20_000);
    assert.equal(pod!.metadata.annotations?.['a'], 'one');
    assert.equal(pod!.metadata.labels?.['app'], 'web');
    assert.deepEqual((pod!['spec'] as { nodeSelector?: unknown }).nodeSelector, {
      'kubernetes.io/hostname': 'n1',
    });
    assert.equal(pod!.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
    const firstRevision = pod!.metadata.labels?.[REVISION_LABEL];
    assert.ok(firstRevision);

    // Deleted: comes back (a new uid).
    const firstUid = pod!.metadata.uid;
    await kubeRequest(kc, { method: 'DELETE', path: `${PODS}/web-0` });
    await eventually(
      async () => {
        const p = await get(`${PODS}/web-0`);
        return !!p && p.metadata.uid !== firstUid;
      },
      'web-0 re-created',
      20_000,
    );

    // Ready pod counted in the status.
    const current = (await get(`${PODS}/web-0`))!;
    await kubeRequest(kc, {
      method: 'PATCH',
      path: `${PODS}/web-0/status`,
      body: { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
      patch: 'merge',
    });
    await eventually(
      async () =>
        ((await get(`${STS}/web`))?.['status'] as { readyReplicas?: number } | undefined)?.readyReplicas ===
        1,
      'readyReplicas 1',
      20_000,
    );

    // Template change: the pod is replaced by one of the new revision.
    await kubeRequest(kc, {
      method: 'PATCH',
      path: `${STS}/web`,
      body: { spec: { template: { metadata: { annotations: { a: 'two' } } } } },
      patch: 'merge',
    });
    await eventually(
      async () => {
        const p = await get(`${PODS}/web-0`);
        return !!p && p.metadata.uid !== current.metadata.uid && p.metadata.annotations?.['a'] === 'two';
      },
      'web-0 rolled to the new template',
      20_000,
    );
    assert.notEqual((await get(`${PODS}/web-0`))!.metadata.labels?.[REVISION_LABEL], firstRevision);

    // Deleting the StatefulSet takes its pod.
    await kubeRequest(kc, { method: 'DELETE', path: `${STS}/web` });
    await eventually(async () => !(await get(`${PODS}/web-0`)), 'web-0 garbage-collected', 20_000);
  },
);
