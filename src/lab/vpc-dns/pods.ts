/**
 * How the lab realises a VpcDns Deployment (`ovn.kubernetes.io/vpc-dns=true`, rendered by the controller as for a
 * real cluster) without container images (pure): `replicas` pods `<deployment>-<template hash>-<i>` with the
 * template's labels, its `ovn.kubernetes.io/*` annotations (so the primary NIC lands in the VPC subnet) and an owner
 * reference to the Deployment, but without the second NIC (`k8s.v1.cni.cncf.io/networks` and the provider's
 * annotations: the lab's DNS server gets Services and Endpoints from the lab daemon, not from the API over a NIC) and
 * without container ports (the lab's DNS server, not a responder, answers port 53). ADR 16 has the why.
 */
import { createHash } from 'node:crypto';
import { LABEL_LAB_DNS, LABEL_VPC_DNS } from '../../api/annotations.ts';
import { OVN_PROVIDER } from '../../api/constants.ts';
import { controllerReference, type KubeObject } from '../../api/types.ts';
export const TEMPLATE_HASH_LABEL = 'pod-template-hash';

interface DeploymentLike {
  metadata: KubeObject['metadata'];
  spec?: {
    replicas?: number;
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: { containers?: Record<string, unknown>[] } & Record<string, unknown>;
    };
  };
}

export const isVpcDnsDeployment = (d: KubeObject): boolean => d.metadata.labels?.[LABEL_VPC_DNS] === 'true';

export function templateHash(deploy: KubeObject): string {
  const template = (deploy as unknown as DeploymentLike).spec?.template ?? {};
  return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
}

/** The Corefile ConfigMap the template mounts (volume `config-volume`, else the first ConfigMap volume). */
export function corefileConfigMap(deploy: KubeObject): string | undefined {
  const volumes = ((deploy as unknown as DeploymentLike).spec?.template?.spec?.['volumes'] ?? []) as {
    name?: string;
    configMap?: { name?: string };
  }[];
  return (volumes.find((v) => v.name === 'config-volume') ?? volumes.find((v) => v.configMap))?.configMap
    ?.name;
}

export function labDnsPods(deploy: KubeObject): KubeObject[] {
  const d = deploy as unknown as DeploymentLike;
  const name = d.metadata.name ?? '';
  const hash = templateHash(deploy);
  const template = d.spec?.template ?? {};
  const annotations = Object.fromEntries(
    Object.entries(template.metadata?.annotations ?? {}).filter(([k]) =>
      k.startsWith(`${OVN_PROVIDER}.kubernetes.io/`),
    ),
  );
  const containers = (template.spec?.containers ?? []).map((c) => {
    const { ports: _ports, ...rest } = c;
    return rest;
  });
  const replicas = d.spec?.replicas ?? 1;
  return Array.from({ length: replicas }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-${hash}-${i}`,
      namespace: d.metadata.namespace ?? 'default',
      labels: { ...template.metadata?.labels, [LABEL_LAB_DNS]: name, [TEMPLATE_HASH_LABEL]: hash },
      annotations,
      ownerReferences: [controllerReference('apps/v1', 'Deployment', d)],
    },
    spec: { ...template.spec, containers },
  }));
}
