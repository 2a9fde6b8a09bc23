/**
 * A container's environment as a kubelet fills it in (Kubernetes' "define dependent environment variables"): each
 * entry in order, a literal `value` with `$(VAR)` expanded from the entries before it (`$$` escapes a `$`), a
 * downward-API `valueFrom.fieldRef` from the caller's `fieldValue`. Stricter than a kubelet, for a lab that must not
 * run a container it only half understands: a reference to an undefined variable, any other `valueFrom` (Secret,
 * ConfigMap, resource field) and `envFrom` throw. Pure.
 */

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath?: string } } & Record<string, unknown>;
}

/** The parts of a container spec the lab reads. */
export interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: unknown[];
  volumeMounts?: { name: string; mountPath: string }[];
}

/** `$(VAR)` expansion (`$$` escapes), refusing a reference to a variable that `vars` lacks. */
export function expandVars(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    const value = vars[name];
    if (value === undefined) throw new Error(`${whole}: no such env var in the container`);
    return value;
  });
}

/** The container's env, resolved; `fieldValue` resolves a fieldRef's path (and throws for one it does not know). */
export function containerEnv(c: Container, fieldValue: (path: string) => string): Record<string, string> {
  if (c.envFrom?.length) throw new Error('envFrom: the lab resolves no ConfigMap or Secret');
  const env: Record<string, string> = {};
  for (const v of c.env ?? []) {
    const { fieldRef, ...other } = v.valueFrom ?? {};
    const unknown = Object.keys(other);
    if (unknown.length)
      throw new Error(`env ${v.name}: valueFrom.${unknown.join(', ')} is not resolved by the lab`);
    env[v.name] =
      fieldRef === undefined ? expandVars(v.value ?? '', env) : fieldValue(fieldRef.fieldPath ?? '');
  }
  return env;
}
