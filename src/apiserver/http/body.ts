/**
 * Request bodies: read with a size limit (413 beyond it, as kube-apiserver's 3 MiB, checked against Content-Length
 * first and while streaming), then decoded as JSON or YAML according to Content-Type, with the nesting limit
 * (../nesting.ts) checked before anything recursive sees the body: JSON on its raw bytes, YAML on the parser's
 * tokens and again on the composed value (aliases); malformed or too deeply nested input is a 400 with the reason,
 * never an exception escaping the handler.
 */
import type { IncomingMessage } from 'node:http';
import { Composer } from 'yaml';
import { jsonTooDeepAt, maxNestingDepth, valueNesting, yamlTokens } from '../nesting.ts';
import { ApiError, badRequest, tooLarge, unsupportedMediaType } from '../status.ts';
import { decodeKubernetesProtobuf } from './protobuf.ts';

export const defaultBodyLimit = 3 * 1024 * 1024;

/** Most alias expansions a YAML body may make (the yaml library's billion-laughs guard, its default made explicit). */
const maxYamlAliasCount = 100;

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!failed) reject(badRequest(`reading the request body: ${error.message}`, { cause: error }));
    });
  });
}

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const yamlTypes = new Set([
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'application/apply-patch+yaml',
]);
const jsonTypes = new Set([
  '',
  'application/json',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
]);

function tooDeep(format: string, where: string): never {
  throw badRequest(
    `the request body is nested too deeply: ${format} deeper than ${maxNestingDepth} levels of objects and arrays (${where})`,
  );
}

/** One YAML document as JSON: tokens, their depth, the document, its value (then the value's depth: aliases). */
function decodeYaml(text: string): unknown {
  const parsed = yamlTokens(text, maxNestingDepth);
  if ('tooDeepAt' in parsed) tooDeep('YAML', `at offset ${parsed.tooDeepAt}`);
  const docs = [...new Composer({ uniqueKeys: true }).compose(parsed.tokens, true, text.length)];
  if (docs.length > 1) throw new Error('the body holds more than one YAML document');
  const [doc] = docs;
  if (!doc) return null;
  if (doc.errors[0]) throw doc.errors[0];
  const value = doc.toJS({ maxAliasCount: maxYamlAliasCount }) as unknown;
  const problem = valueNesting(value, maxNestingDepth);
  if (problem === 'cycle') throw new Error('an alias refers to a node that contains it');
  if (problem === 'too-deep') tooDeep('YAML', 'once its aliases are expanded');
  return value;
}

export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (yamlTypes.has(type)) {
    try {
      return decodeYaml(body.toString('utf8'));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw badRequest(
        `error converting YAML to JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        { cause: error },
      );
    }
  }
  if (jsonTypes.has(type)) {
    const text = body.toString('utf8');
    if (text.trim() === '') throw badRequest('the request body is empty');
    const deepAt = jsonTooDeepAt(body, maxNestingDepth);
    if (deepAt !== undefined) tooDeep('JSON', `at byte ${deepAt}`);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw badRequest(
        `couldn't get version/kind; json parse error: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  if (type === 'application/vnd.kubernetes.protobuf') return decodeKubernetesProtobuf(body);
  throw unsupportedMediaType(type, ['application/json', 'application/yaml']);
}
