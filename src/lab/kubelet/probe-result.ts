/**
 * What one probe run says (`ProbeResult`: passed or not, and kubelet's message), and the two Go formats kubelet's
 * messages are written with: `%q` of a string and a time.Duration of whole seconds. Shared by the network prober
 * (probe-run.ts, probe-grpc.ts), the exec prober (probe-exec.ts) and the probe manager (probes.ts). Pure.
 */

export interface ProbeResult {
  ok: boolean;
  message: string;
}

/** Go's `%q` of a string (JSON's escaping agrees with it for the addresses, commands and names quoted here). */
export const goQuote = (s: string): string => JSON.stringify(s);

/** A whole number of seconds as Go prints a time.Duration (`1s`, `1m30s`, `1h0m0s`). */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
