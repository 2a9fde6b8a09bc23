/**
 * URL -> route: the non-resource endpoints (discovery, OpenAPI, version, health: `/livez`, `/readyz`, `/healthz`
 * and one check under each, `/readyz/store`) and resource paths
 * `/api/v1[/watch][/namespaces/NS]/PLURAL[/NAME[/SUBRESOURCE]]` and the same under `/apis/GROUP/VERSION`.
 */
import type { HealthEndpoint } from './health.ts';

export type Route =
  | { kind: 'version' }
  | { kind: 'health'; endpoint: HealthEndpoint; check: string | undefined }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'resources'; group: string; version: string }
  | { kind: 'openapi-v2' }
  | { kind: 'openapi-v3-index' }
  | { kind: 'openapi-v3'; path: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      namespace: string | undefined;
      plural: string;
      name: string | undefined;
      subresource: string | undefined;
      watchPath: boolean;
    }
  | { kind: 'unknown' };

export function route(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/version') return { kind: 'version' };
  const health = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
  if (health) return { kind: 'health', endpoint: health[1] as HealthEndpoint, check: health[2] };
  if (path === '/api') return { kind: 'api' };
  if (path === '/apis') return { kind: 'apis' };
  if (path === '/openapi/v2' || path === '/swagger-2.0.0.pb-v1') return { kind: 'openapi-v2' };
  if (path === '/openapi/v3') return { kind: 'openapi-v3-index' };
  if (path.startsWith('/openapi/v3/')) return { kind: 'openapi-v3', path: path.slice('/openapi/v3/'.length) };
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 2) {
    group = segments[1] ?? '';
    if (segments.length === 2) return { kind: 'group', group };
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else {
    return { kind: 'unknown' };
  }
  if (!rest.length) return { kind: 'resources', group, version };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  const resource = (
    plural: string | undefined,
    name: string | undefined,
    subresource: string | undefined,
    namespace?: string,
  ): Route =>
    plural && rest.length <= (namespace === undefined ? 3 : 5)
      ? { kind: 'resource', group, version, namespace, plural, name, subresource, watchPath }
      : { kind: 'unknown' };
  if (group === '' && rest[0] === 'namespaces') {
    if (rest.length <= 2 || (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
      return resource('namespaces', rest[1], rest[2]);
    }
    return resource(rest[2], rest[3], rest[4], rest[1]);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) return resource(rest[2], rest[3], rest[4], rest[1]);
  return resource(rest[0], rest[1], rest[2]);
}
