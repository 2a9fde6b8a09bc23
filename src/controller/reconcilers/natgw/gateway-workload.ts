/**
 * The StatefulSet `<prefix>-<gw>` of a VpcNatGateway, as Kube-OVN renders it (`genNatGwStatefulSet`,
 * pkg/controller/vpc_nat_gateway.go): labels `app` and `ovn.kubernetes.io/vpc-nat-gw`, an owner reference to the
 * gateway, one replica, and a pod template whose annotations place `eth0` in the LAN subnet at `lanIp` (port
 * security off, so the gateway can forward), attach the NAD of every external subnet in `spec.externalSubnets`
 * order (`k8s.v1.cni.cncf.io/networks: ns/nad1,ns/nad2`, so Multus names them `net1`, `net2`, ...: Kube-OVN's PR
 * #7238) with the default route via the FIRST external subnet's gateway, route the VPC's other subnets and the
 * `spec.routes` whose next hop is not on an external network via the LAN gateway, and name the gateway; container
 * `vpc-nat-gw` with the image of `ovn-vpc-nat-config`, privileged, `GATEWAY_V4` and `GATEWAY_V6` (empty without
 * one), ip forwarding switched on after start; `nodeSelector` from `spec.selector`, tolerations and affinity copied
 * (an empty affinity as Kube-OVN writes it). Where Kube-OVN's container sleeps (`sleep infinity`, programmed by
 * `kubectl exec`), kovn's runs the gateway agent (src/natgw/main.ts) under ServiceAccount `vpc-nat-gw`, with its pod
 * and node from the downward API (ADR 14). Always so: the lab's kubelet runs no container commands and the lab's
 * per-node agents apply its gateways, so one template serves both. Privileged, as Kube-OVN's, and needed: the
 * runtime mounts /proc/sys read-only in an unprivileged container, so NET_ADMIN alone cannot set ip_forward. The
 * rendered object carries a hash of itself, so a change is detected whatever the API server defaults. Pure.
 */
import { createHash } from 'node:crypto';
import {
  API_VERSION,
  CONTROLLER_NAMESPACE,
  DEFAULT_EXTERNAL_NETWORK,
  OVN_PROVIDER,
} from '../../../api/constants.ts';
import {
  ANNOTATION_NETWORKS,
  ANNOTATION_VPC_NAT_GW,
  LABEL_VPC_NAT_GW,
  annotationKey,
  type ProviderKey,
} from '../../../api/annotations.ts';
import type { Subnet } from '../../../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../../api/kinds/vpc-nat-gateway.ts';
import { controllerReference, type KubeObject } from '../../../api/types.ts';
import { blockCidrs, parseCidrBlock } from '../../../net/cidr-block.ts';
import { cidrContains, parseIp } from '../../../net/ip.ts';
import { ANNOTATION_TEMPLATE_HASH } from '../../../api/annotations.ts';
import { NAT_GW_CONTAINER } from './names.ts';
import { gatewayAffinity } from './gateway-affinity.ts';

export interface GatewayWorkloadInput {
  gateway: VpcNatGateway;
  /** `image` and `natGwNamePrefix` of ovn-vpc-nat-config. */
  image: string;
  prefix: string;
  lanSubnet: Subnet;
  /** The external subnets in NIC order (`spec.externalSubnets`, default ovn-vpc-external-network), those known. */
  externalSubnets: readonly { name: string; subnet: Subnet | undefined }[];
  /** The other OVN subnets of the gateway's VPC (routed via the LAN gateway). */
  vpcSubnets: readonly Subnet[];
}

/** `<provider>.kubernetes.io/<key>`; a subnet without a provider is on the default one. */
const providerKey = (provider: string | undefined, key: ProviderKey): string =>
  annotationKey(provider || OVN_PROVIDER, key);

/** The NAD of an external subnet: its provider `name.namespace[.ovn]`, else `kube-system/<subnet>`. */
export function externalNad(subnetName: string, subnet: Subnet | undefined): string {
  const parts = (subnet?.spec?.provider ?? '').split('.');
  if (parts.length >= 2 && parts[0] && parts[1] && parts[0] !== OVN_PROVIDER)
    return `${parts[1]}/${parts[0]}`;
  return `${CONTROLLER_NAMESPACE}/${subnetName}`;
}

/** `spec.selector` entries `"key: value"` as a nodeSelector (malformed entries ignored, as Kube-OVN does). */
export function nodeSelectorOf(selector: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of selector ?? []) {
    const parts = entry.split(':');
    if (parts.length !== 2 || !parts[0]!.trim()) continue;
    out[parts[0]!.trim()] = parts[1]!.trim();
  }
  return out;
}

const byName = (a: Subnet, b: Subnet): number =>
  (a.metadata.name ?? '') < (b.metadata.name ?? '')
    ? -1
    : (a.metadata.name ?? '') > (b.metadata.name ?? '')
      ? 1
      : 0;

/** The IPv4 (IPv6) address of a gateway list (`10.0.1.1` or `10.0.1.1,fd00::1`). */
const v4Of = (list: string | undefined): string | undefined =>
  (list ?? '').split(',').find((s) => s.includes('.') && !s.includes(':'));
const v6Of = (list: string | undefined): string | undefined =>
  (list ?? '').split(',').find((s) => s.includes(':'));

/** The gateway agent in kovn's gateway image (deploy/image/Containerfile.natgw), with the Node runtime from npm. */
export const GATEWAY_AGENT_COMMAND = ['/opt/kovn/node_modules/.bin/node', '/opt/kovn/src/natgw/main.ts'];
/** The ServiceAccount `kovn install` renders for it (src/install/rbac.ts). */
export const GATEWAY_SERVICE_ACCOUNT = 'vpc-nat-gw';

/** The agent's own pod and node (src/natgw/pod-config.ts reads them). */
const downwardEnv = [
  ['POD_NAME', 'metadata.name'],
  ['POD_NAMESPACE', 'metadata.namespace'],
  ['KUBE_NODE_NAME', 'spec.nodeName'],
].map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } }));

/** Does one of the external subnets hold `ip`? (A route via it goes out of that NIC: the gateway agent adds it.) */
function onExternalNetwork(input: GatewayWorkloadInput, ip: string): boolean {
  const addr = parseIp(ip);
  return input.externalSubnets.some(({ subnet }) =>
    (blockCidrs(subnet?.spec?.cidrBlock) ?? []).some((c) => addr !== undefined && cidrContains(c, addr)),
  );
}

function templateAnnotations(input: GatewayWorkloadInput): Record<string, string> {
  const { gateway, lanSubnet } = input;
  const spec = gateway.spec;
  const lanProvider = lanSubnet.spec?.provider;
  const externals = input.externalSubnets.length
    ? input.externalSubnets
    : [{ name: DEFAULT_EXTERNAL_NETWORK, subnet: undefined }];
  const providerOf = (e: (typeof externals)[number]) => e.subnet?.spec?.provider || e.name;
  const first = externals[0]!;
  const lanGateway = v4Of(lanSubnet.spec?.gateway);
  const routes = [
    // By name: the informer's order is not stable across restarts, and the template hash must be.
    ...[...input.vpcSubnets].sort(byName).flatMap((s) => {
      const cidr = parseCidrBlock(s.spec?.cidrBlock).v4?.text;
      return cidr && lanGateway ? [{ dst: cidr, gw: lanGateway }] : [];
    }),
    ...(spec?.routes ?? []).flatMap((r) =>
      r.cidr && r.nextHopIP && !onExternalNetwork(input, r.nextHopIP)
        ? [{ dst: r.cidr, gw: r.nextHopIP === 'gateway' ? (lanGateway ?? '') : r.nextHopIP }]
        : [],
    ),
  ];
  const out: Record<string, string> = {
    ...spec?.annotations,
    [ANNOTATION_NETWORKS]: externals.map((e) => externalNad(e.name, e.subnet)).join(','),
    [ANNOTATION_VPC_NAT_GW]: gateway.metadata.name ?? '',
    [providerKey(lanProvider, 'logical_switch')]: spec?.subnet ?? '',
    [providerKey(lanProvider, 'port_security')]: 'false',
  };
  // HA (replicas > 1): every instance takes its own LAN address from IPAM; lanIp is for one instance only.
  if (spec?.lanIp && (spec.replicas ?? 1) <= 1) out[providerKey(lanProvider, 'ip_address')] = spec.lanIp;
  if (routes.length) out[providerKey(lanProvider, 'routes')] = JSON.stringify(routes);
  const extGateway = v4Of(first.subnet?.spec?.gateway);
  // noDefaultEIP: no external NIC takes an address from IPAM (Kube-OVN's PR #7238 skips only the first's).
  if (spec?.noDefaultEIP) for (const e of externals) out[providerKey(providerOf(e), 'allocated')] = 'true';
  else if (extGateway)
    out[providerKey(providerOf(first), 'routes')] = JSON.stringify([{ dst: '0.0.0.0/0', gw: extGateway }]);
  return out;
}

export function renderGatewayWorkload(input: GatewayWorkloadInput): KubeObject {
  const { gateway } = input;
  const name = `${input.prefix}-${gateway.metadata.name ?? ''}`;
  const labels = { app: name, [LABEL_VPC_NAT_GW]: 'true' };
  const spec = gateway.spec;
  const nodeSelector = nodeSelectorOf(spec?.selector);
  const extGateways = input.externalSubnets[0]?.subnet?.spec?.gateway;
  const podSpec: Record<string, unknown> = {
    containers: [
      {
        name: NAT_GW_CONTAINER,
        image: input.image,
        command: GATEWAY_AGENT_COMMAND,
        imagePullPolicy: 'IfNotPresent',
        env: [
          { name: 'GATEWAY_V4', value: v4Of(extGateways) ?? '' },
          { name: 'GATEWAY_V6', value: v6Of(extGateways) ?? '' },
          ...downwardEnv,
        ],
        securityContext: { privileged: true, allowPrivilegeEscalation: true },
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'sysctl -w net.ipv4.ip_forward=1'] } } },
      },
    ],
    serviceAccountName: GATEWAY_SERVICE_ACCOUNT,
    terminationGracePeriodSeconds: 0,
    ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
    ...(spec?.tolerations?.length ? { tolerations: spec.tolerations } : {}),
    affinity: gatewayAffinity(spec?.replicas ?? 1, labels, spec?.affinity),
  };
  const body = {
    replicas: Math.max(1, spec?.replicas ?? 1),
    selector: { matchLabels: labels },
    updateStrategy: { type: 'RollingUpdate' },
    template: { metadata: { labels, annotations: templateAnnotations(input) }, spec: podSpec },
  };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name,
      namespace: spec?.namespace || CONTROLLER_NAMESPACE,
      labels,
      annotations: { [ANNOTATION_TEMPLATE_HASH]: hash },
      ownerReferences: [controllerReference(API_VERSION, 'VpcNatGateway', gateway)],
    },
    spec: body,
  };
}
