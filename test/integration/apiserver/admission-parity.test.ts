// One admission, one wording: the same bad objects through the API server (HTTP, a Status), through `kovn validate`
// (offline, one line per issue) and through the controller's path (the shared pipeline against the stored objects)
// get the same issues and the same message, in kube-apiserver's words. Each case once differed: a bad name passed
// `kovn validate`; a Required field read `Required value: Required value` at the API server; a Conflict read
// `... conflicts:` in the controller; a NotFound lost its value at the API server. A verdict is a 422 or a 403,
// never a 409 (ADR 2). The same goes for warnings: the API server's Warning headers, `kovn validate`'s warning
// lines and the pipeline's warnings are one text, on an accepted object and on a refused one.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- raw JSON responses */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { admit } from '../../../src/api/admission.ts';
import { formatIssue, formatIssueBody, formatWarning } from '../../../src/api/issues.ts';
import { kubeovnTypeOf } from '../../../src/api/registry.ts';
import type { KubeObject } from '../../../src/api/types.ts';
import { parseManifestText } from '../../../src/manifest/load.ts';
import { validateDocuments } from '../../../src/manifest/validate.ts';
import { configMap, kubeovn, memoryView, natEnabled } from '../../support/objects.ts';
import { startTestServer, type TestServer } from './helpers.ts';

interface Case {
  name: string;
  /** Created first, in order (and given to `kovn validate` before the object). */
  given: KubeObject[];
  object: KubeObject;
  /** The object replaces a given one of the same name (PUT; a second document offline). */
  update?: boolean;
  /** `kovn validate` cannot decide it (it needs an object absent from the files): compared with the API only. */
  online?: boolean;
  /** The Status message, word for word. */
  message: string;
}

const RFC1123 =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const dnatSpec = {
  eip: 'e1',
  externalPort: '80',
  protocol: 'tcp',
  internalIp: '10.0.1.10',
  internalPort: '80',
};

const cases: Case[] = [
  {
    name: 'a name that is not an RFC 1123 subdomain',
    given: [],
    object: kubeovn('Vpc', 'Bad_Name'),
    message: `Vpc.kubeovn.io "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${RFC1123}`,
  },
  {
    name: 'a required field missing (no detail beyond "Required value")',
    given: [],
    object: kubeovn('IptablesDnatRule', 'd1', { ...dnatSpec, eip: undefined }),
    message: 'IptablesDnatRule.kubeovn.io "d1" is invalid: spec.eip: Required value',
  },
  {
    name: 'a number where the schema wants a string',
    given: [],
    object: kubeovn('IptablesDnatRule', 'd1', { ...dnatSpec, externalPort: 80 }),
    message:
      'IptablesDnatRule.kubeovn.io "d1" is invalid: spec.externalPort: Invalid value: "integer": spec.externalPort in body must be of type string: "integer"',
  },
  {
    // Was a 409 ("Operation cannot be fulfilled"): kube-apiserver keeps that for resourceVersion clashes.
    name: 'two subnets of one VPC overlapping (422)',
    given: [kubeovn('Vpc', 'v1'), kubeovn('Subnet', 'a', { vpc: 'v1', cidrBlock: '10.0.0.0/16' })],
    object: kubeovn('Subnet', 'b', { vpc: 'v1', cidrBlock: '10.0.1.0/24' }),
    message:
      'Subnet.kubeovn.io "b" is invalid: spec.cidrBlock: Duplicate value: "10.0.1.0/24": overlaps subnet a (10.0.0.0/16) in vpc v1',
  },
  {
    name: "what Kube-OVN's ValidateSubnet refuses is denied (403)",
    given: [kubeovn('Vpc', 'v1')],
    object: kubeovn('Subnet', 's', { vpc: 'v1', cidrBlock: '10.0.1.0/24', gateway: '10.0.2.1' }),
    message:
      'Subnet.kubeovn.io "s" is forbidden: spec.gateway: Invalid value: "10.0.2.1": gateway 10.0.2.1 is not in cidr 10.0.1.0/24',
  },
  {
    name: 'an immutable field changed (403)',
    given: [
      kubeovn('Vpc', 'v1'),
      kubeovn('Vpc', 'v2'),
      kubeovn('Subnet', 's', { vpc: 'v1', cidrBlock: '10.0.2.0/24' }),
    ],
    object: kubeovn('Subnet', 's', { vpc: 'v2', cidrBlock: '10.0.2.0/24' }),
    update: true,
    message:
      'Subnet.kubeovn.io "s" is forbidden: spec.vpc: Forbidden: vpc can only be changed from empty to ovn-cluster (was "v1")',
  },
  {
    name: 'a reference to an object that does not exist',
    given: natEnabled(),
    object: kubeovn('IptablesDnatRule', 'd1', { ...dnatSpec, eip: 'nope' }),
    online: true,
    message:
      'IptablesDnatRule.kubeovn.io "d1" is invalid: spec.eip: Not found: "nope": IptablesEIP nope not found',
  },
];

function pathOf(o: KubeObject): string {
  if (o.kind === 'ConfigMap') return `/api/v1/namespaces/${o.metadata.namespace ?? 'default'}/configmaps`;
  const type = kubeovnTypeOf(o.kind);
  assert.ok(type, o.kind);
  return `/apis/${type.group}/${type.version}/${type.plural}`;
}

describe('the same admission verdict and message at the API server, in kovn validate and in the controller', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });
  // Each case removes what it created, so the next starts from an empty store.
  const cleanup: string[] = [];
  const remove = async () => {
    for (const path of cleanup.splice(0).reverse()) await t.request('DELETE', path);
  };

  for (const c of cases) {
    it(c.name, async () => {
      try {
        const stored: KubeObject[] = [];
        for (const g of c.given) {
          const created = await t.request('POST', pathOf(g), { body: g });
          assert.equal(created.status, 201, created.text);
          stored.push(created.body as KubeObject);
          cleanup.push(`${pathOf(g)}/${g.metadata.name ?? ''}`);
        }
        const path = pathOf(c.object);
        const answer = c.update
          ? await t.request('PUT', `${path}/${c.object.metadata.name ?? ''}`, { body: c.object })
          : await t.request('POST', path, { body: c.object });
        if (answer.status < 300) cleanup.push(`${path}/${c.object.metadata.name ?? ''}`);
        assert.equal(answer.body?.kind, 'Status', answer.text);
        assert.equal(answer.body.message, c.message, 'the API server');
        assert.ok([403, 422].includes(answer.status), `a verdict is 422 or 403, not ${answer.status}`);
        assert.equal(answer.status, answer.body.reason === 'Forbidden' ? 403 : 422);

        // The controller's path: the shared pipeline, against the objects as the API server stored them.
        const old = c.update ? stored.find((o) => o.metadata.name === c.object.metadata.name) : undefined;
        const others = stored.filter((o) => o !== old);
        const outcome = admit({
          operation: old ? 'UPDATE' : 'CREATE',
          object: c.object,
          ...(old ? { oldObject: old } : {}),
          view: memoryView(others),
        });
        assert.ok(!outcome.allowed);
        assert.equal(outcome.message, c.message, 'the shared pipeline');
        assert.deepEqual(
          answer.body.details.causes,
          outcome.issues.map((i) => ({ reason: i.type, message: formatIssueBody(i), field: i.field })),
          'one Status cause per issue',
        );

        if (c.online) return;
        const text = [...c.given, c.object].map((o) => JSON.stringify(o)).join('\n---\n');
        const { documents, errors } = parseManifestText('case.yaml', text);
        assert.deepEqual(errors, []);
        const label = `${c.object.kind}/${c.object.metadata.name ?? ''}`;
        const problems = validateDocuments(documents).filter((p) => p.object === label);
        assert.deepEqual(
          problems.map((p) => p.message),
          outcome.issues.map(formatIssue),
          'kovn validate: one line per issue, worded as inside the Status message',
        );
      } finally {
        await remove();
      }
    });
  }

  /** The texts of `Warning: 299 - "..."` headers (node joins repeated headers with ", "). */
  const warningsOf = (header: string | string[] | undefined): string[] =>
    [...String(header ?? '').matchAll(/299 - ("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string);

  const natWorld = (): KubeObject[] => [
    ...natEnabled(),
    kubeovn('Subnet', 'ovn-vpc-external-network', {
      cidrBlock: '192.168.0.0/24',
      provider: 'ext.kube-system',
    }),
    kubeovn('Vpc', 'v1'),
    kubeovn('Subnet', 'net1', { vpc: 'v1', cidrBlock: '10.0.1.0/24' }),
    kubeovn('VpcNatGateway', 'gw1', { vpc: 'v1', subnet: 'net1', lanIp: '10.0.1.254' }),
    kubeovn('IptablesEIP', 'e1', { natGwDp: 'gw1' }),
  ];
  const warned: {
    name: string;
    given: KubeObject[];
    object: KubeObject;
    allowed: boolean;
    fields: string[];
  }[] = [
    {
      name: 'a policy at priority 30000 (was refused as reserved)',
      given: [],
      object: kubeovn('Vpc', 'v9', {
        policyRoutes: [{ priority: 30000, match: 'ip4.src == 10.0.1.0/24', action: 'drop' }],
      }),
      allowed: true,
      fields: ['spec.policyRoutes[0].priority'],
    },
    {
      name: 'a second floating IP on an EIP (was a 409)',
      given: [...natWorld(), kubeovn('IptablesFIPRule', 'f1', { eip: 'e1', internalIp: '10.0.1.5' })],
      object: kubeovn('IptablesFIPRule', 'f2', { eip: 'e1', internalIp: '10.0.1.6' }),
      allowed: true,
      fields: ['spec.eip'],
    },
    {
      name: 'refused, with the warning still sent',
      given: [],
      object: kubeovn('Vpc', 'v9', {
        policyRoutes: [
          { priority: 30000, match: 'ip4', action: 'drop' },
          { priority: 1, match: 'ip4', action: 'accept' },
        ],
      }),
      allowed: false,
      fields: ['spec.policyRoutes[0].priority'],
    },
  ];
  for (const c of warned) {
    it(`warnings: ${c.name}`, async () => {
      try {
        const stored: KubeObject[] = [];
        for (const g of c.given) {
          const created = await t.request('POST', pathOf(g), { body: g });
          assert.equal(created.status, 201, created.text);
          stored.push(created.body as KubeObject);
          cleanup.push(`${pathOf(g)}/${g.metadata.name ?? ''}`);
        }
        const answer = await t.request('POST', pathOf(c.object), { body: c.object });
        if (answer.status < 300) cleanup.push(`${pathOf(c.object)}/${c.object.metadata.name ?? ''}`);
        assert.equal(answer.status, c.allowed ? 201 : 422, answer.text);
        const outcome = admit({ operation: 'CREATE', object: c.object, view: memoryView(stored) });
        assert.equal(outcome.allowed, c.allowed);
        assert.deepEqual(
          outcome.warnings.map((w) => w.field),
          c.fields,
        );
        const texts = outcome.warnings.map(formatWarning);
        assert.deepEqual(warningsOf(answer.headers['warning']), texts, 'the Warning headers');
        const text = [...c.given, c.object].map((o) => JSON.stringify(o)).join('\n---\n');
        const { documents } = parseManifestText('case.yaml', text);
        const label = `${c.object.kind}/${c.object.metadata.name ?? ''}`;
        const lines = validateDocuments(documents).filter(
          (p) => p.object === label && p.severity === 'warning',
        );
        assert.deepEqual(
          lines.map((p) => p.message),
          texts,
          'kovn validate',
        );
      } finally {
        await remove();
      }
    });
  }

  it('a ConfigMap kovn reads is checked the same way (a core kind with kovn rules)', async () => {
    // (An empty image became a warning; a workload name prefix no StatefulSet could carry is still refused.)
    const bad = configMap('ovn-vpc-nat-config', { image: 'x', natGwNamePrefix: 'Bad_Prefix' });
    const answer = await t.request('POST', pathOf(bad), { body: bad });
    const outcome = admit({ operation: 'CREATE', object: bad, view: memoryView([]) });
    assert.ok(!outcome.allowed);
    assert.equal(answer.body.message, outcome.message);
    const { documents } = parseManifestText('cm.yaml', JSON.stringify(bad));
    assert.deepEqual(
      validateDocuments(documents).map((p) => p.message),
      outcome.issues.map(formatIssue),
    );
  });
});
