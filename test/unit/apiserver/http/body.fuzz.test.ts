// Fuzzing of request-body decoding (src/apiserver/http/body.ts): whatever the bytes and the Content-Type, decodeBody
// returns a value or throws the API server's 4xx ApiError (400 malformed, 415 unsupported type), never a crash; and a
// JSON value sent as JSON or YAML decodes to itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import { decodeBody } from '../../../../src/apiserver/http/body.ts';
import { ApiError } from '../../../../src/apiserver/status.ts';
import { fuzz, parsedOrRejected, tokenSoup } from '../../../support/fuzz.ts';

const contentTypes = [
  '',
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  ';',
  'application/json;;;',
];

const isClientError = (error: unknown): boolean =>
  error instanceof ApiError && error.code >= 400 && error.code < 500;

const decodes = (bytes: Buffer, type: string | undefined): void => {
  parsedOrRejected(() => decodeBody(bytes, type), isClientError);
};

// prettier-ignore
const jsonFragments = [
  '{', '}', '[', ']', ':', ',', '"', '"a"', '\\', '\\u00', '1', '-', '1e999', '0.', 'true', 'null', 'nul',
  '\u2028', '\ud800',
];
// prettier-ignore
const yamlFragments = [
  'a', ':', ': ', '- ', '\n', '  ', '[', ']', '{', '}', ',', '&x ', '*x', '!!binary ', '!!str ', '!!set ',
  '!!omap ', '!!map ', '!!int ', '!!float ', '!tag ', '<<: ', '? ', '|', '>', '"', "'", '#', '%YAML 1.2\n',
  '---\n', '...\n', '.inf', '.nan', '~', '0x1F', '\t', '@', '`',
];

describe('request bodies under fuzzing', () => {
  // The yaml library reports some inputs on process warnings ("Keys with collection values will be stringified");
  // made-up inputs trigger them by the hundred, and they are not what these properties check.
  const emitWarning = Object.getOwnPropertyDescriptor(process, 'emitWarning');
  before(() => {
    process.emitWarning = () => undefined;
  });
  after(() => {
    if (emitWarning) Object.defineProperty(process, 'emitWarning', emitWarning);
  });

  it('any bytes with any Content-Type: a value or a 4xx', () => {
    const bytes = fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a));
    fuzz(
      fc.tuple(bytes, fc.option(fc.constantFrom(...contentTypes))),
      ([b, type]) => decodes(b, type ?? undefined),
      {
        seed: 2001,
        numRuns: 1500,
      },
    );
  });

  it('JSON-like text as JSON: a value or a 400', () => {
    const text = tokenSoup(jsonFragments, 30);
    fuzz(
      fc.tuple(text, fc.constantFrom('', 'application/json', 'application/merge-patch+json')),
      ([t, type]) => decodes(Buffer.from(t), type),
      {
        seed: 2002,
        numRuns: 1500,
      },
    );
  });

  it('YAML-like text as YAML: a value or a 400', () => {
    const text = tokenSoup(yamlFragments, 30);
    fuzz(
      fc.tuple(text, fc.constantFrom('application/yaml', 'application/apply-patch+yaml')),
      ([t, type]) => decodes(Buffer.from(t), type),
      {
        seed: 2003,
        numRuns: 1500,
      },
    );
  });

  it('a JSON value decodes to itself, sent as JSON or as YAML', () => {
    fuzz(
      fc.jsonValue({ maxDepth: 6 }),
      (value) => {
        const json = JSON.stringify(value);
        const expected: unknown = JSON.parse(json);
        assert.deepEqual(decodeBody(Buffer.from(json), 'application/json'), expected);
        // -0 survives YAML but not JSON.stringify, hence the comparison in JSON
        const fromYaml = decodeBody(Buffer.from(yamlStringify(value)), 'application/yaml');
        assert.deepEqual(JSON.parse(JSON.stringify(fromYaml)), expected);
      },
      { seed: 2004, numRuns: 800 },
    );
  });
});
