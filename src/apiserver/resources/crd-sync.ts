/**
 * Writes the served CustomResourceDefinitions at start (crds.ts says what they are): a CRD for each CRD-backed kind
 * is created when absent, updated when its schema or names changed (uid, creationTimestamp, the time it was
 * established and the metadata users wrote through the API kept: labels, annotations such as kubectl's
 * last-applied-configuration; generation bumped as for any spec change), left alone when unchanged (no new
 * revision), and deleted when its kind is no longer served. The spec and the status change only here: the API
 * takes writes that leave the spec as served and keeps the status (crd-writes.ts). An update is two writes, as
 * kube-apiserver's would be: the object (spec and metadata), then the status through the status path.
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
    if (!stored) {
      create(core, crds, '', servedCrd(type, now), serverWrite);
      continue;
    }
    const served = servedCrd(type, establishedSince(stored) ?? now);
    update(core, crds, '', name, { ...served, metadata: stored.metadata }, serverWrite);
    update(core, crds, '', name, served, { ...serverWrite, subresource: 'status' });
  }
  const stale = [...core.store.scan(crds.key, undefined, undefined)].filter(
    (crd) => !wanted.has(crd.metadata.name ?? ''),
  );
  for (const crd of stale) deleteObject(core, crds, '', crd.metadata.name ?? '', { dryRun: false });
}
