/**
 * Writes the served CustomResourceDefinitions at start (crds.ts says what they are): a CRD for each CRD-backed kind
 * is created when absent, updated when its schema or names changed (uid, creationTimestamp and the time it was
 * established kept; generation bumped as for any spec change), left alone when unchanged (no new revision), and
 * deleted when its kind is no longer served. These are the only writes CRDs get: the API serves them read-only.
 */
import { metaTime } from '../../util/time.ts';
import type { Core } from '../rest/core.ts';
import { deleteObject } from '../rest/delete.ts';
import { create, update, type WriteOptions } from '../rest/write.ts';
import { crdName } from '../../api/crd.ts';
import { crdBackedTypes, establishedSince, servedCrd } from './crds.ts';

const serverWrite: WriteOptions = { fieldValidation: 'Ignore', dryRun: false };

export function syncCrds(core: Core): void {
  const crds = core.catalog.forKind('CustomResourceDefinition');
  if (!crds) return;
  const now = metaTime(core.clock.now());
  const wanted = new Set<string>();
  for (const type of crdBackedTypes(core.catalog)) {
    const name = crdName(type);
    wanted.add(name);
    const stored = core.get(crds, '', name);
    if (stored) update(core, crds, '', name, servedCrd(type, establishedSince(stored) ?? now), serverWrite);
    else create(core, crds, '', servedCrd(type, now), serverWrite);
  }
  const stale = [...core.store.scan(crds.key, undefined, undefined)].filter(
    (crd) => !wanted.has(crd.metadata.name ?? ''),
  );
  for (const crd of stale) deleteObject(core, crds, '', crd.metadata.name ?? '', { dryRun: false });
}
