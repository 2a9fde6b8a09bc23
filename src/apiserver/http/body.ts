/**
 * Request bodies: read with a size limit (413 beyond it, checked against Content-Length first and while
 * streaming), then decoded as JSON or YAML according to Content-Type; malformed input is a 400 with the parser's
 * reason, never an exception escaping the handler.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../status.ts';
import { decodeKubernetesProtobuf } from './protobuf.ts';

export const defaultBodyLimit = 3 * 1024 * 1024;

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

export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  const text = body.toString('utf8');
  if (yamlTypes.has(type)) {
    try {
      return parseYaml(text, { uniqueKeys: true, prettyErrors: false }) as unknown;
    } catch (error) {
      throw badRequest(
        `error converting YAML to JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        { cause: error },
      );
    }
  }
  if (jsonTypes.has(type)) {
    if (text.trim() === '') throw badRequest('the request body is empty');
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
