/**
 * Where an HA gateway's instances may run (`spec.replicas > 1`): a required pod anti-affinity on the gateway's own
 * pod labels over `kubernetes.io/hostname`, so no two instances share a node (Kube-OVN's
 * `genGatewayPodAntiAffinity(labels, Required)`), merged with the user's `spec.affinity` as Kube-OVN's
 * `mergeGatewayAffinity` does: each of `nodeAffinity`, `podAffinity`, `podAntiAffinity` the user sets replaces ours.
 * A single-instance gateway keeps the user's affinity as written. Pure.
 */
const HOSTNAME = 'kubernetes.io/hostname';

export function gatewayAffinity(
  replicas: number,
  labels: Readonly<Record<string, string>>,
  user: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  if (replicas <= 1) return { ...user };
  const spread = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { ...labels } }, topologyKey: HOSTNAME },
      ],
    },
  };
  const out: Record<string, unknown> = { ...spread };
  for (const key of ['nodeAffinity', 'podAffinity', 'podAntiAffinity'] as const) {
    if (user?.[key] !== undefined) out[key] = user[key];
  }
  return out;
}
