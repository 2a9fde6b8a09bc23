/**
 * The part `apply -f` and `delete -f` share: read the files (every path must exist; a document that does not
 * parse stops the command before anything is sent, as kubectl does), then map each document to the resource
 * serving its apiVersion/kind and to its namespace (the manifest's, else `-n`, else the context's; a manifest
 * naming another namespace than `-n` is an error, as in kubectl).
 */
import { existsSync } from 'node:fs';
import type { KubeObject } from '../../api/types.ts';
import { loadManifests, type ManifestDocument } from '../../manifest/load.ts';
import type { Connection } from '../kube/connect.ts';
import type { ApiResource } from '../kube/resources.ts';

export interface Target {
  doc: ManifestDocument;
  resource: ApiResource;
  /** The object as it will be sent (namespace filled in for namespaced kinds). */
  object: KubeObject;
  namespace: string | undefined;
  name: string;
}

export type Loaded = { ok: true; documents: ManifestDocument[] } | { ok: false; lines: string[] };

export function readManifests(files: readonly string[]): Loaded {
  if (!files.length) return { ok: false, lines: ['error: must specify one of -f'] };
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length)
    return { ok: false, lines: missing.map((f) => `error: the path "${f}" does not exist`) };
  const { documents, errors } = loadManifests(files);
  if (errors.length) {
    return { ok: false, lines: errors.map((e) => `error: error parsing ${e.file}:${e.line}: ${e.message}`) };
  }
  if (!documents.length) return { ok: false, lines: ['error: no objects passed to the command'] };
  return { ok: true, documents };
}

export async function resolveTarget(
  conn: Connection,
  doc: ManifestDocument,
  namespaceFlag: string | undefined,
): Promise<Target> {
  const { apiVersion, kind, metadata } = doc.object;
  const resource = await conn.discovery.forKind(apiVersion, kind);
  const name = metadata.name ?? '';
  if (!resource) {
    throw new Error(
      `resource mapping not found for name: "${name}" namespace: "${metadata.namespace ?? ''}" from "${doc.file}": ` +
        `no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`,
    );
  }
  if (!metadata.name) throw new Error(`from ${doc.file}: cannot use generate name with apply or delete`);
  const object = structuredClone(doc.object);
  let namespace: string | undefined;
  if (resource.namespaced) {
    const own = metadata.namespace;
    if (own && namespaceFlag && own !== namespaceFlag) {
      throw new Error(
        `the namespace from the provided object "${own}" does not match the namespace "${namespaceFlag}". ` +
          `You must pass '--namespace=${own}' to perform this operation.`,
      );
    }
    namespace = own || namespaceFlag || conn.namespace;
    object.metadata.namespace = namespace;
  }
  return { doc, resource, object, namespace, name };
}
