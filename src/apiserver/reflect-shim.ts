/**
 * The few Reflect metadata functions that tsyringe (a dependency of @peculiar/x509) requires at load time
 * (`getMetadata`, `getOwnMetadata`, `defineMetadata`, `hasMetadata`, `metadata`), so the server does not need
 * the reflect-metadata package. Import this module before @peculiar/x509.
 */
type Target = object;
type Store = Map<string | symbol | undefined, Map<unknown, unknown>>;

const registry = new WeakMap<Target, Store>();

function bucket(
  target: Target,
  property: string | symbol | undefined,
  create: boolean,
): Map<unknown, unknown> | undefined {
  let store = registry.get(target);
  if (!store && create) {
    store = new Map();
    registry.set(target, store);
  }
  let map = store?.get(property);
  if (!map && create && store) {
    map = new Map();
    store.set(property, map);
  }
  return map;
}

interface MetadataReflect {
  getMetadata?: unknown;
}

const R = Reflect as unknown as Record<string, unknown> & MetadataReflect;

if (typeof R.getMetadata !== 'function') {
  const getOwnMetadata = (key: unknown, target: Target, property?: string | symbol): unknown =>
    bucket(target, property, false)?.get(key);
  const getMetadata = (key: unknown, target: Target, property?: string | symbol): unknown => {
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      const map = bucket(t, property, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
  const defineMetadata = (key: unknown, value: unknown, target: Target, property?: string | symbol): void => {
    bucket(target, property, true)?.set(key, value);
  };
  Object.assign(R, {
    getOwnMetadata,
    getMetadata,
    defineMetadata,
    hasMetadata: (key: unknown, target: Target, property?: string | symbol) =>
      getMetadata(key, target, property) !== undefined,
    hasOwnMetadata: (key: unknown, target: Target, property?: string | symbol) =>
      bucket(target, property, false)?.has(key) ?? false,
    metadata: (key: unknown, value: unknown) => (target: Target, property?: string | symbol) =>
      defineMetadata(key, value, target, property),
  });
}

export {};
