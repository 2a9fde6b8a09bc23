/**
 * The health endpoints in kube-apiserver's words (k8s.io/apiserver/pkg/server/healthz): `/livez`, `/readyz` and
 * `/healthz` each run their named checks. All passing: `ok`, or with `?verbose` one line per check (`[+]ping ok`)
 * and `<endpoint> check passed`. Any failing: 500, and the body always lists the checks, a failing one as
 * `[-]store failed: reason withheld` (the endpoints are public; the reason goes to the log), and ends with
 * `<endpoint> check failed`. `?exclude=NAME` skips a check (`[+]NAME excluded: ok`; a name no check has is
 * warned about). `/<endpoint>/<check>` runs one check: `ok`, or 500 `internal server error: <reason>`; it says
 * why, so the handler serves it to authenticated clients only.
 */

export interface HealthCheck {
  name: string;
  /** Why the check fails, or undefined when it passes. */
  failure(): string | undefined;
}

export type HealthEndpoint = 'livez' | 'readyz' | 'healthz';

export type HealthChecks = Readonly<Record<HealthEndpoint, readonly HealthCheck[]>>;

export interface HealthAnswer {
  status: 200 | 404 | 500;
  text: string;
  /** The failing checks with their reasons (for the log). */
  failures: Array<{ check: string; reason: string }>;
}

export const pingCheck: HealthCheck = { name: 'ping', failure: () => undefined };

/** The answer of `/<endpoint>` for these query parameters. */
export function endpointHealth(
  endpoint: HealthEndpoint,
  checks: readonly HealthCheck[],
  query: URLSearchParams,
): HealthAnswer {
  const excluded = new Set(query.getAll('exclude'));
  const lines: string[] = [];
  const failures: HealthAnswer['failures'] = [];
  for (const check of checks) {
    if (excluded.delete(check.name)) {
      lines.push(`[+]${check.name} excluded: ok`);
      continue;
    }
    const reason = check.failure();
    if (reason === undefined) {
      lines.push(`[+]${check.name} ok`);
    } else {
      lines.push(`[-]${check.name} failed: reason withheld`);
      failures.push({ check: check.name, reason });
    }
  }
  if (excluded.size) {
    const names = [...excluded].map((n) => JSON.stringify(n)).join(',');
    lines.push(`warn: some health checks cannot be excluded: no matches for ${names}`);
  }
  if (failures.length)
    return { status: 500, text: `${lines.join('\n')}\n${endpoint} check failed\n`, failures };
  if (!query.has('verbose')) return { status: 200, text: 'ok', failures };
  return { status: 200, text: `${lines.join('\n')}\n${endpoint} check passed\n`, failures };
}

/** The answer of `/<endpoint>/<name>`; 404 for a check the endpoint does not run. */
export function singleCheckHealth(checks: readonly HealthCheck[], name: string): HealthAnswer {
  const check = checks.find((c) => c.name === name);
  if (!check) return { status: 404, text: '404 page not found\n', failures: [] };
  const reason = check.failure();
  if (reason === undefined) return { status: 200, text: 'ok', failures: [] };
  return { status: 500, text: `internal server error: ${reason}\n`, failures: [{ check: name, reason }] };
}
