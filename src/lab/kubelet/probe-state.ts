/**
 * kubelet's bookkeeping for one probe (pkg/kubelet/prober/worker.go), as a value: consecutive successes and
 * failures against successThreshold and failureThreshold decide the probe's result, which starts as "failure" for
 * readiness (not ready until a probe passes) and startup, and "success" for liveness. The result flips only when
 * the run of equal outcomes reaches the threshold. Pure.
 */
import type { ProbeKind } from '../../node/probe-spec.ts';

export interface ProbeState {
  result: boolean;
  successes: number;
  failures: number;
  /** The last probe's message (for Events and status). */
  message: string;
}

export function initialState(kind: ProbeKind): ProbeState {
  return { result: kind === 'liveness', successes: 0, failures: 0, message: '' };
}

export interface Thresholds {
  successThreshold: number;
  failureThreshold: number;
}

/** The state after one more probe outcome, and whether the result flipped. */
export function observe(
  s: ProbeState,
  t: Thresholds,
  ok: boolean,
  message: string,
): { state: ProbeState; flipped: boolean } {
  const successes = ok ? s.successes + 1 : 0;
  const failures = ok ? 0 : s.failures + 1;
  let result = s.result;
  if (ok && !s.result && successes >= t.successThreshold) result = true;
  if (!ok && s.result && failures >= t.failureThreshold) result = false;
  return { state: { result, successes, failures, message }, flipped: result !== s.result };
}

/** Does this outcome kill the container? A liveness probe that just turned to failure, or a startup probe that has
 * failed failureThreshold times in a row. */
export function kills(kind: ProbeKind, s: ProbeState, flipped: boolean, failureThreshold: number): boolean {
  if (kind === 'liveness') return flipped && !s.result;
  return kind === 'startup' && !s.result && s.failures >= failureThreshold;
}

/** kubelet's Event messages. */
export const unhealthyMessage = (kind: ProbeKind, message: string): string =>
  `${kind[0]!.toUpperCase()}${kind.slice(1)} probe failed: ${message}`;
export const killingMessage = (container: string, kind: ProbeKind): string =>
  `Container ${container} failed ${kind} probe, will be restarted`;

/** A container's started/ready from its probes' results (a probe it does not have counts as passing). */
export function containerState(states: ReadonlyMap<ProbeKind, ProbeState>): {
  started: boolean;
  ready: boolean;
} {
  const started = states.get('startup')?.result ?? true;
  return { started, ready: started && (states.get('readiness')?.result ?? true) };
}
