/**
 * The guard of a server-owned kind (ServedResource.serverOwned) as every write path runs it: a refused write is a
 * 403 Forbidden in the form kube-apiserver's authorizer refuses a verb (`<resource>.<group> "<name>" is forbidden:
 * cannot <verb> resource "<resource>" in API group "<group>": <why>`), so kubectl prints which object and why.
 */
import type { ServedResource, OwnedWrite } from '../resources/served.ts';
import { forbidden } from '../status.ts';
import type { Core } from './core.ts';

export function guardOwnedWrite(core: Core, r: ServedResource, write: OwnedWrite): void {
  const why = r.serverOwned?.refusal(write, core.catalog);
  if (why === undefined) return;
  const { group, plural, kind } = r.type;
  const named = write.verb === 'create' || write.verb === 'deletecollection' ? '' : write.name;
  throw forbidden(
    { group, resource: plural, kind },
    named,
    `cannot ${write.verb} resource "${plural}" in API group "${group}": ${why}`,
  );
}
