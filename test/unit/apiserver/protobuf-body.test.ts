import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKubernetesProtobuf } from '../../../src/apiserver/http/protobuf.ts';
import { ApiError } from '../../../src/apiserver/status.ts';

/** A tiny protobuf writer: fields are [number, value] with strings/buffers length-delimited and numbers as varints. */
type Field = [number, string | number | boolean | Buffer | Field[]];

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

function encode(fields: Field[]): Buffer {
  return Buffer.concat(
    fields.map(([num, value]) => {
      if (typeof value === 'number' || typeof value === 'boolean')
        return Buffer.concat([varint(num << 3), varint(Number(value))]);
      const bytes =
        typeof value === 'string' ? Buffer.from(value) : Buffer.isBuffer(value) ? value : encode(value);
      return Buffer.concat([varint((num << 3) | 2), varint(bytes.length), bytes]);
    }),
  );
}

function envelope(apiVersion: string, kind: string, raw: Field[]): Buffer {
  return Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    encode([
      [
        1,
        [
          [1, apiVersion],
          [2, kind],
        ],
      ],
      [2, encode(raw)],
    ]),
  ]);
}

describe('Kubernetes protobuf bodies', () => {
  it('decodes a Deployment as kubectl create deployment sends it', () => {
    const meta: Field[] = [
      [1, 'web'],
      [2, ''],
      [7, 0],
      [8, []],
      [
        11,
        [
          [1, 'app'],
          [2, 'web'],
        ],
      ],
    ];
    const container: Field[] = [
      [1, 'nginx'],
      [2, 'nginx'],
      [5, ''],
      [
        6,
        [
          [1, ''],
          [2, 0],
          [3, 80],
          [4, ''],
        ],
      ],
      [8, []],
      [16, false],
    ];
    const body = envelope('apps/v1', 'Deployment', [
      [1, meta],
      [
        2,
        [
          [1, 0],
          [
            2,
            [
              [
                1,
                [
                  [1, 'app'],
                  [2, 'web'],
                ],
              ],
            ],
          ],
          [
            3,
            [
              [
                1,
                [
                  [
                    11,
                    [
                      [1, 'app'],
                      [2, 'web'],
                    ],
                  ],
                ],
              ],
              [
                2,
                [
                  [2, container],
                  [11, false],
                ],
              ],
            ],
          ],
          [4, [[1, '']]],
          [7, false],
        ],
      ],
      [3, []],
    ]);
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }],
          },
        },
        strategy: {},
      },
    });
  });

  it('decodes maps, int-or-string, and timestamps', () => {
    const body = envelope('v1', 'Service', [
      [
        1,
        [
          [1, 's'],
          [8, [[1, 1767225600]]],
        ],
      ],
      [
        2,
        [
          [
            1,
            [
              [1, 'http'],
              [3, 80],
              [
                4,
                [
                  [1, 1],
                  [3, 'web'],
                ],
              ],
            ],
          ],
          [
            2,
            [
              [1, 'app'],
              [2, 'x'],
            ],
          ],
          [4, 'ClusterIP'],
        ],
      ],
    ]);
    assert.deepEqual(decodeKubernetesProtobuf(body), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: {
        ports: [{ name: 'http', port: 80, targetPort: 'web' }],
        selector: { app: 'x' },
        type: 'ClusterIP',
      },
    });
  });

  it('refuses bodies without the magic prefix, truncated ones, and kinds it has no table for', () => {
    assert.throws(
      () => decodeKubernetesProtobuf(Buffer.from('{}')),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
    assert.throws(
      () =>
        decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0x50])])),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
    assert.throws(
      () => decodeKubernetesProtobuf(envelope('v1', 'PersistentVolumeClaim', [[1, [[1, 'x']]]])),
      (e: unknown) => e instanceof ApiError && e.code === 415,
    );
  });

  it('decodes the TokenRequest, SelfSubjectAccessReview and Secret kubectl create token, auth can-i and create secret send', () => {
    assert.deepEqual(
      decodeKubernetesProtobuf(
        envelope('authentication.k8s.io/v1', 'TokenRequest', [
          [1, [[1, 'ctl']]],
          [
            2,
            [
              [1, 'api'],
              [4, 600],
            ],
          ],
        ]),
      ),
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        metadata: { name: 'ctl' },
        spec: { audiences: ['api'], expirationSeconds: 600 },
      },
    );
    assert.deepEqual(
      decodeKubernetesProtobuf(
        envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
          [1, []],
          [
            2,
            [
              [
                1,
                [
                  [1, 'default'],
                  [2, 'list'],
                  [3, 'kubeovn.io'],
                  [5, 'subnets'],
                  [6, 'status'],
                  [7, 'x'],
                ],
              ],
            ],
          ],
        ]),
      ).spec,
      {
        resourceAttributes: {
          namespace: 'default',
          verb: 'list',
          group: 'kubeovn.io',
          resource: 'subnets',
          subresource: 'status',
          name: 'x',
        },
      },
    );
    const secret = decodeKubernetesProtobuf(
      envelope('v1', 'Secret', [
        [1, [[1, 'x']]],
        [
          2,
          [
            [1, 'a'],
            [2, Buffer.from('b')],
          ],
        ],
        [3, 'Opaque'],
      ]),
    );
    assert.deepEqual(secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'x' },
      data: { a: 'Yg==' },
      type: 'Opaque',
    });
  });
});
