/**
 * The gateway agent's report (`kovn.io/nat-applied` on the gateway pod, read by src/api/nat-report.ts, the same
 * reader as the agent's) turned into the verdict for one CR: applied, failed with the agent's reason, or still
 * pending (no pod, no report, or no entry yet: the agent has not tried it). Pure.
 */
import type { KubeObject } from '../../../api/types.ts';
import { readNatReport, type NatAppliedReport } from '../../../api/nat-report.ts';

export type AppliedVerdict =
  { state: 'applied' } | { state: 'failed'; reason: string } | { state: 'pending'; reason: string };

/** Parsed reports by cached pod object (immutable in the informer): every rule of a gateway reads the same one. */
const parsed = new WeakMap<KubeObject, NatAppliedReport | undefined>();

function reportOf(pod: KubeObject): NatAppliedReport | undefined {
  if (!parsed.has(pod)) parsed.set(pod, readNatReport(pod.metadata.annotations));
  return parsed.get(pod);
}

/** The verdict for `<short>/<name>` on the gateway pod (undefined pod: the gateway has no pod yet). */
export function appliedVerdict(pod: KubeObject | undefined, entry: string, podName: string): AppliedVerdict {
  if (!pod || pod.metadata.deletionTimestamp)
    return { state: 'pending', reason: `the gateway pod ${podName} is not running` };
  const report = reportOf(pod);
  if (!report)
    return { state: 'pending', reason: `the gateway pod ${podName} has not applied its rules yet` };
  const result = report.rules[entry];
  if (!result) return { state: 'pending', reason: `the gateway pod ${podName} has not applied ${entry} yet` };
  if (result.ok) return { state: 'applied' };
  return { state: 'failed', reason: result.reason || `the gateway pod ${podName} could not apply ${entry}` };
}
