// Remote strings (unix:, tcp:, ssl:, IPv6 in brackets), the TLS options an ssl: remote needs, and how TLS failures
// are worded. The TLS connections themselves are tested against a real ovsdb-server (test/integration/ovsdb/tls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netConnector, parseRemote, type RemoteTarget } from '../../../src/ovsdb/transport.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { requireTlsOptions, tlsErrorText, tlsConnectError } from '../../../src/ovsdb/tls.ts';
import { OvsdbClient } from '../../../src/ovsdb/index.ts';

const parsed: [string, RemoteTarget][] = [
  ['unix:/run/ovn/ovnnb_db.sock', { kind: 'unix', path: '/run/ovn/ovnnb_db.sock' }],
  ['tcp:10.0.0.1:6641', { kind: 'tcp', host: '10.0.0.1', port: 6641 }],
  ['tcp:[fd00::1]:6641', { kind: 'tcp', host: 'fd00::1', port: 6641 }],
  ['ssl:10.0.0.1:6641', { kind: 'ssl', host: '10.0.0.1', port: 6641 }],
  ['ssl:ovn-nb.kube-system:6641', { kind: 'ssl', host: 'ovn-nb.kube-system', port: 6641 }],
  ['ssl:[fd00::10]:6641', { kind: 'ssl', host: 'fd00::10', port: 6641 }],
  ['ssl:[::1]:1', { kind: 'ssl', host: '::1', port: 1 }],
  ['ssl:[192.0.2.1]:6641', { kind: 'ssl', host: '192.0.2.1', port: 6641 }], // as Kube-OVN writes OVN_DB_IPS remotes
  ['ssl:127.0.0.1:65535', { kind: 'ssl', host: '127.0.0.1', port: 65535 }],
];

void test('parseRemote: unix, tcp and ssl remotes, IPv6 hosts in brackets', () => {
  for (const [remote, target] of parsed) assert.deepEqual(parseRemote(remote), target, remote);
});

const refused: [string, RegExp][] = [
  ['unix:', /empty socket path/],
  ['ssl:10.0.0.1', /expected ssl:HOST:PORT or ssl:\[IPV6\]:PORT/],
  ['ssl:10.0.0.1:0', /expected ssl:HOST:PORT/],
  ['ssl:10.0.0.1:65536', /expected ssl:HOST:PORT/],
  ['ssl::6641', /expected ssl:HOST:PORT/],
  ['ssl:fd00::10:6641', /expected ssl:HOST:PORT/], // IPv6 needs brackets, as OVS
  ['ssl:[fd00::10]6641', /expected ssl:HOST:PORT/],
  ['tcp:host:port', /expected tcp:HOST:PORT/],
  ['pssl:6641', /only unix:, tcp: and ssl: are supported/],
  ['tls:10.0.0.1:6641', /only unix:, tcp: and ssl: are supported/],
];

void test('parseRemote: malformed remotes are refused, naming the remote and the expected form', () => {
  for (const [remote, message] of refused) {
    assert.throws(() => parseRemote(remote), TypeError, remote);
    assert.throws(() => parseRemote(remote), message, remote);
    assert.throws(() => parseRemote(remote), new RegExp(JSON.stringify(remote).replace(/[[\]]/g, '\\$&')));
  }
});

const files = { privateKey: '/tls/key', certificate: '/tls/cert', caCert: '/tls/cacert' };

const tlsChecks: [string, string[], Partial<typeof files> | undefined, RegExp | undefined][] = [
  ['no ssl remote, no options', ['tcp:10.0.0.1:6641', 'unix:/nb.sock'], undefined, undefined],
  ['ssl remote with every file', ['ssl:10.0.0.1:6641'], files, undefined],
  [
    'ssl remote, no options',
    ['tcp:10.0.0.1:6641', 'ssl:10.0.0.2:6641'],
    undefined,
    /remote ssl:10\.0\.0\.2:6641 needs TLS options \(file paths\): missing privateKey, certificate, caCert \(no TLS options were given\)$/,
  ],
  [
    'ssl remote, CA missing',
    ['ssl:[fd00::1]:6641'],
    { privateKey: '/k', certificate: '/c' },
    /remote ssl:\[fd00::1\]:6641 needs TLS options \(file paths\): missing caCert$/,
  ],
  ['ssl remote, empty key path', ['ssl:10.0.0.1:6641'], { ...files, privateKey: '' }, /missing privateKey$/],
];

void test('requireTlsOptions: an ssl: remote needs all three files, and the error says which are missing', () => {
  for (const [name, remotes, tls, error] of tlsChecks) {
    if (error) assert.throws(() => requireTlsOptions(remotes, tls), error, name);
    else assert.doesNotThrow(() => requireTlsOptions(remotes, tls), name);
  }
});

void test('OvsdbClient.connect refuses an ssl: remote without TLS options at once, before any connection', async () => {
  await assert.rejects(
    OvsdbClient.connect({ remotes: ['ssl:127.0.0.1:1'], database: 'OVN_Northbound' }),
    /remote ssl:127\.0\.0\.1:1 needs TLS options/,
  );
});

void test('netConnector: an ssl: remote without TLS options is refused before any connection is tried', async () => {
  await assert.rejects(
    netConnector(systemClock)('ssl:[fd00::1]:6641', 1000),
    /remote ssl:\[fd00::1\]:6641 needs TLS options \(file paths\): missing privateKey, certificate, caCert/,
  );
});

function openSslError(reason: string, code: string): Error {
  return Object.assign(
    new Error(`4087:error:0A000418:SSL routines:ssl3_read_bytes:${reason}:rec_layer_s3.c:918`),
    {
      reason,
      code,
      library: 'SSL routines',
    },
  );
}

void test('tlsErrorText: the meaning, short reason and code of an OpenSSL error; any other error as it is', () => {
  const rows: [Error, string][] = [
    [
      openSslError('tlsv1 alert unknown ca', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'),
      'TLS: the server does not trust our certificate: tlsv1 alert unknown ca (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)',
    ],
    [
      openSslError('tlsv13 alert certificate required', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'),
      'TLS: the server requires a client certificate: tlsv13 alert certificate required ' +
        '(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)',
    ],
    [
      openSslError('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'),
      'TLS: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)',
    ],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'read ECONNRESET'],
    [new Error('keepalive: no reply'), 'keepalive: no reply'],
  ];
  for (const [error, text] of rows) assert.equal(tlsErrorText(error), text);
});

void test('tlsConnectError: names the remote, the TLS reason, and the CA for an untrusted server certificate', () => {
  const remote = 'ssl:10.0.0.1:6641';
  const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
  });
  const rows: [Error, string][] = [
    [
      untrusted,
      'ssl:10.0.0.1:6641: TLS handshake failed: server certificate not trusted: self-signed certificate in ' +
        'certificate chain (SELF_SIGNED_CERT_IN_CHAIN; checked against CA /tls/cacert)',
    ],
    [
      openSslError('tlsv1 alert unknown ca', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'),
      'ssl:10.0.0.1:6641: TLS handshake failed: the server does not trust our certificate: ' +
        'tlsv1 alert unknown ca (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6641'), { code: 'ECONNREFUSED' }),
      'ssl:10.0.0.1:6641: connect ECONNREFUSED 10.0.0.1:6641',
    ],
  ];
  for (const [cause, message] of rows) {
    const error = tlsConnectError(remote, files, cause);
    assert.equal(error.message, message);
    assert.equal(error.cause, cause);
  }
});
