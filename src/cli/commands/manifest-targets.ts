/**
 * The part `apply -f` and `delete -f` share: read the files (every path must exist; a document that does not
 * parse stops the command before anything is sent, as kubectl does), then map each document to the resource
 * serving its apiVersion/kind and to its namespace (the manifest's, else `-n`, else the context's; a manifest
 * naming another namespace than `-n` is an error, as in kubectl); and the loop around each command's own step,
 * which goes on past a failing document and collects the failures for the report.
 */
import { existsSync } from 'node:fs';
import type { KubeObject } from '../../api/types.ts';
import { loadManifests, type ManifestDocument } from '../../manifest/load.ts';
import { connect, type Connection } from '../kube/connect.ts';
import { manifestError, type CommandError } from '../kube/report.ts';
import type { ApiResource } from '../kube/resources.ts';
import type { CommandIo } from './validate.ts';

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

/** The `parseArgs` options of `apply -f` and `delete -f` that name the manifests and where they go. */
export const MANIFEST_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  namespace: { type: 'string', short: 'n' },
  kubeconfig: { type: 'string' },
} as const;

/** The values of MANIFEST_OPTIONS. */
export interface ManifestFlags {
  filename?: string[] | undefined;
  namespace?: string | undefined;
  kubeconfig?: string | undefined;
}

export interface ManifestRun {
  conn: Connection;
  /** The documents' failures, in file order, each with its manifest. */
  errors: CommandError[];
}

/**
 * Reads the `-f` files (undefined, their error lines printed, when they do not load: nothing is sent), connects,
 * then runs `step` on each document's target in file order; a document that cannot be mapped or whose step fails
 * is recorded and the next one tried.
 */
export async function eachManifestTarget(
  io: CommandIo,
  flags: ManifestFlags,
  env: NodeJS.ProcessEnv,
  step: (conn: Connection, target: Target) => Promise<void>,
): Promise<ManifestRun | undefined> {
  const loaded = readManifests(flags.filename ?? []);
  if (!loaded.ok) {
    for (const line of loaded.lines) io.err(line);
    return undefined;
  }
  const conn = await connect(flags.kubeconfig, env);
  const errors: CommandError[] = [];
  for (const doc of loaded.documents) {
    try {
      await step(conn, await resolveTarget(conn, doc, flags.namespace));
    } catch (error) {
      errors.push(manifestError(error, doc.file));
    }
  }
  return { conn, errors };
}
