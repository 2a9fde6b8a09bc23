/**
 * Why a trace that port security dropped was dropped, and what to change (ADR 22): which pod's switch port, what its
 * port security allows, whether the pod asked for it (`ovn.kubernetes.io/port_security`) or kovn chose it (the pod
 * is no next hop of its VPC), and the change that lets the packet through. Pure.
 */
import { ANNOTATION_PORT_SECURITY } from '../../api/annotations.ts';

/** What `kovn trace` looked up about the port a port-security stage dropped at. */
export interface DroppingPort {
  /** The Logical_Switch_Port name. */
  port: string;
  /** `namespace/name` of the pod it belongs to (its `external_ids:pod`), if it is a pod's. */
  pod: string | undefined;
  /** Its `port_security` entries. */
  portSecurity: readonly string[];
  /** The pod's `ovn.kubernetes.io/port_security` annotation, if any. */
  asked: string | undefined;
  /** The pod's VPC. */
  vpc: string | undefined;
  /** The pod's own addresses. */
  ips: readonly string[];
}

/** Whether a drop verdict's stage is one of OVN's port security stages (`ls_in_port_sec_l2`, `ls_out_apply_port_sec`...). */
export const isPortSecurityStage = (stage: string): boolean => /^ls_(in|out)_.*port_sec/.test(stage);

/**
 * The lines that explain a port security drop: `sends` when the pod was sending (an ingress stage of its switch),
 * else receiving; `address` the packet's address that is not the pod's (its source when sending, else its
 * destination).
 */
export function explainPortSecurityDrop(port: DroppingPort, sends: boolean, address: string): string[] {
  const who = port.pod ? `pod ${port.pod} (switch port ${port.port})` : `switch port ${port.port}`;
  const allowed = port.portSecurity.length ? port.portSecurity.join(', ') : 'nothing';
  const what = sends ? `send from ${address}` : `receive for ${address}`;
  const lines = [`why:       port security of ${who} allows only ${allowed}; it may not ${what}`];
  if (!port.pod) return lines;
  const annotate = `kubectl annotate pod -n ${port.pod.replace('/', ' ')}`;
  if (port.asked === 'true') {
    lines.push(
      `           the pod asks for it: ${ANNOTATION_PORT_SECURITY}: "true"`,
      `fix:       if it forwards for its VPC, remove the annotation (${annotate} ${ANNOTATION_PORT_SECURITY}-): ` +
        `kovn then checks only its MAC while it is a next hop`,
    );
    return lines;
  }
  const own = port.ips.join(', ') || 'its address';
  lines.push(
    `           kovn keeps anti-spoofing on: ${own} is no next hop of VPC ${port.vpc ?? '?'}`,
    `fix:       route through it (a spec.staticRoutes or reroute spec.policyRoutes nextHopIP of ${port.vpc ?? 'its VPC'} ` +
      `equal to ${own}: kovn then checks only its MAC), or turn port security off: ` +
      `${annotate} ${ANNOTATION_PORT_SECURITY}=false`,
  );
  return lines;
}
