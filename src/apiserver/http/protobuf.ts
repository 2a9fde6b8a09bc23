/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which kubectl >= 1.30
 * sends for built-in kinds from its typed clients (`kubectl create namespace|configmap|serviceaccount|clusterrole|
 * clusterrolebinding|role|rolebinding|secret|deployment|service|token ...`, `kubectl auth can-i|whoami`). The envelope is the 4-byte magic `k8s\0` and a runtime.Unknown
 * {typeMeta, raw}; `raw` is decoded with a field table transcribed from k8s.io/api generated.proto (field numbers
 * never change across releases). Fields outside the table are skipped; the result is the JSON form of the object.
 */
import { metaTime } from '../../util/time.ts';
import { badRequest, unsupportedMediaType } from '../status.ts';

type Json = Record<string, unknown>;

/**
 * Field type: s string, i integer, b bool, y bytes (base64), T Time, Q Quantity, I IntOrString, M<v> map, []X list, or a
 * message name. A `?` suffix marks a Go pointer field: its zero value was set on purpose and is kept; other zero
 * scalars ('', 0, false) are what gogo-protobuf writes for unset non-pointer fields and are dropped, as Go's JSON
 * encoding (omitempty) would drop them.
 */
type Spec = Record<number, [name: string, type: string]>;

function table(text: string): Spec {
  const spec: Spec = {};
  for (const part of text.split(';')) {
    const [name, num, type] = part.trim().split(/\s+/);
    if (name && num && type) spec[Number(num)] = [name, type];
  }
  return spec;
}

const containerFields =
  'name 1 s; image 2 s; command 3 []s; args 4 []s; workingDir 5 s; ports 6 []ContainerPort; envFrom 19 []EnvFromSource; env 7 []EnvVar; ' +
  'resources 8 ResourceRequirements; volumeMounts 9 []VolumeMount; terminationMessagePath 13 s; terminationMessagePolicy 20 s; ' +
  'imagePullPolicy 14 s; stdin 16 b; stdinOnce 17 b; tty 18 b; restartPolicy 24 s';

const messages: Record<string, Spec> = {
  Unknown: table('typeMeta 1 TypeMeta; raw 2 y; contentEncoding 3 s; contentType 4 s'),
  TypeMeta: table('apiVersion 1 s; kind 2 s'),
  ObjectMeta: table(
    'name 1 s; generateName 2 s; namespace 3 s; uid 5 s; resourceVersion 6 s; generation 7 i; creationTimestamp 8 T; deletionTimestamp 9 T; ' +
      'deletionGracePeriodSeconds 10 i?; labels 11 M<s>; annotations 12 M<s>; ownerReferences 13 []OwnerReference; finalizers 14 []s',
  ),
  OwnerReference: table(
    'kind 1 s; name 3 s; uid 4 s; apiVersion 5 s; controller 6 b?; blockOwnerDeletion 7 b?',
  ),
  LabelSelector: table('matchLabels 1 M<s>; matchExpressions 2 []LabelSelectorRequirement'),
  LabelSelectorRequirement: table('key 1 s; operator 2 s; values 3 []s'),
  ObjectReference: table(
    'kind 1 s; namespace 2 s; name 3 s; uid 4 s; apiVersion 5 s; resourceVersion 6 s; fieldPath 7 s',
  ),
  LocalObjectReference: table('name 1 s'),
  Namespace: table('metadata 1 ObjectMeta; spec 2 NamespaceSpec; status 3 NamespaceStatus'),
  NamespaceSpec: table('finalizers 1 []s'),
  NamespaceStatus: table('phase 1 s'),
  ConfigMap: table('metadata 1 ObjectMeta; data 2 M<s>; binaryData 3 M<y>; immutable 4 b?'),
  ServiceAccount: table(
    'metadata 1 ObjectMeta; secrets 2 []ObjectReference; imagePullSecrets 3 []LocalObjectReference; automountServiceAccountToken 4 b?',
  ),
  Service: table('metadata 1 ObjectMeta; spec 2 ServiceSpec'),
  ServiceSpec: table(
    'ports 1 []ServicePort; selector 2 M<s>; clusterIP 3 s; type 4 s; externalIPs 5 []s; sessionAffinity 7 s; loadBalancerIP 8 s; ' +
      'loadBalancerSourceRanges 9 []s; externalName 10 s; externalTrafficPolicy 11 s; healthCheckNodePort 12 i; publishNotReadyAddresses 13 b; ' +
      'ipFamilyPolicy 17 s?; clusterIPs 18 []s; ipFamilies 19 []s; allocateLoadBalancerNodePorts 20 b?; loadBalancerClass 21 s?; internalTrafficPolicy 22 s?',
  ),
  ServicePort: table('name 1 s; protocol 2 s; port 3 i; targetPort 4 I; nodePort 5 i; appProtocol 6 s?'),
  ClusterRole: table('metadata 1 ObjectMeta; rules 2 []PolicyRule; aggregationRule 3 AggregationRule'),
  AggregationRule: table('clusterRoleSelectors 1 []LabelSelector'),
  PolicyRule: table(
    'verbs 1 []s; apiGroups 2 []s; resources 3 []s; resourceNames 4 []s; nonResourceURLs 5 []s',
  ),
  ClusterRoleBinding: table('metadata 1 ObjectMeta; subjects 2 []Subject; roleRef 3 RoleRef'),
  Role: table('metadata 1 ObjectMeta; rules 2 []PolicyRule'),
  RoleBinding: table('metadata 1 ObjectMeta; subjects 2 []Subject; roleRef 3 RoleRef'),
  Secret: table('metadata 1 ObjectMeta; data 2 M<y>; type 3 s; stringData 4 M<s>; immutable 5 b?'),
  TokenRequest: table('metadata 1 ObjectMeta; spec 2 TokenRequestSpec'),
  TokenRequestSpec: table('audiences 1 []s; boundObjectRef 3 BoundObjectReference; expirationSeconds 4 i?'),
  BoundObjectReference: table('kind 1 s; apiVersion 2 s; name 3 s; uid 4 s'),
  SelfSubjectAccessReview: table('metadata 1 ObjectMeta; spec 2 SelfSubjectAccessReviewSpec'),
  SelfSubjectAccessReviewSpec: table(
    'resourceAttributes 1 ResourceAttributes; nonResourceAttributes 2 NonResourceAttributes',
  ),
  ResourceAttributes: table(
    'namespace 1 s; verb 2 s; group 3 s; version 4 s; resource 5 s; subresource 6 s; name 7 s',
  ),
  NonResourceAttributes: table('path 1 s; verb 2 s'),
  SelfSubjectRulesReview: table('metadata 1 ObjectMeta; spec 2 SelfSubjectRulesReviewSpec'),
  SelfSubjectRulesReviewSpec: table('namespace 1 s'),
  SelfSubjectReview: table('metadata 1 ObjectMeta'),
  Subject: table('kind 1 s; apiGroup 2 s; name 3 s; namespace 4 s'),
  RoleRef: table('apiGroup 1 s; kind 2 s; name 3 s'),
  Deployment: table('metadata 1 ObjectMeta; spec 2 DeploymentSpec'),
  DeploymentSpec: table(
    'replicas 1 i?; selector 2 LabelSelector; template 3 PodTemplateSpec; strategy 4 DeploymentStrategy; minReadySeconds 5 i; ' +
      'revisionHistoryLimit 6 i?; paused 7 b; progressDeadlineSeconds 9 i?',
  ),
  DeploymentStrategy: table('type 1 s; rollingUpdate 2 RollingUpdateDeployment'),
  RollingUpdateDeployment: table('maxUnavailable 1 I; maxSurge 2 I'),
  StatefulSet: table('metadata 1 ObjectMeta; spec 2 StatefulSetSpec'),
  StatefulSetSpec: table(
    'replicas 1 i?; selector 2 LabelSelector; template 3 PodTemplateSpec; serviceName 5 s; podManagementPolicy 6 s',
  ),
  Pod: table('metadata 1 ObjectMeta; spec 2 PodSpec'),
  PodTemplateSpec: table('metadata 1 ObjectMeta; spec 2 PodSpec'),
  PodSpec: table(
    'volumes 1 []Volume; containers 2 []Container; restartPolicy 3 s; terminationGracePeriodSeconds 4 i?; activeDeadlineSeconds 5 i?; ' +
      'dnsPolicy 6 s; nodeSelector 7 M<s>; serviceAccountName 8 s; serviceAccount 9 s; nodeName 10 s; hostNetwork 11 b; hostPID 12 b; ' +
      'hostIPC 13 b; imagePullSecrets 15 []LocalObjectReference; hostname 16 s; subdomain 17 s; schedulerName 19 s; ' +
      'initContainers 20 []Container; automountServiceAccountToken 21 b?; tolerations 22 []Toleration; priorityClassName 24 s; ' +
      'priority 25 i?; enableServiceLinks 30 b?',
  ),
  Container: table(containerFields),
  ContainerPort: table('name 1 s; hostPort 2 i; containerPort 3 i; protocol 4 s; hostIP 5 s'),
  EnvVar: table('name 1 s; value 2 s'),
  EnvFromSource: table('prefix 1 s; configMapRef 2 LocalObjectReference; secretRef 3 LocalObjectReference'),
  ResourceRequirements: table('limits 1 M<Q>; requests 2 M<Q>'),
  VolumeMount: table('name 1 s; readOnly 2 b; mountPath 3 s; subPath 4 s'),
  Volume: table('name 1 s; volumeSource 2 VolumeSource'),
  VolumeSource: table(
    'hostPath 1 HostPathVolumeSource; emptyDir 2 EmptyDirVolumeSource; configMap 19 ConfigMapVolumeSource',
  ),
  HostPathVolumeSource: table('path 1 s; type 2 s'),
  EmptyDirVolumeSource: table('medium 1 s; sizeLimit 2 Q?'),
  ConfigMapVolumeSource: table(
    'localObjectReference 1 LocalObjectReference; defaultMode 3 i?; optional 4 b?',
  ),
  Toleration: table('key 1 s; operator 2 s; value 3 s; effect 4 s; tolerationSeconds 5 i?'),
  Time: table('seconds 1 i; nanos 2 i'),
  Quantity: table('string 1 s'),
  IntOrString: table('type 1 i; intVal 2 i; strVal 3 s'),
};

/** Inlined messages (embedded Go structs) whose fields appear in the parent's JSON. */
const inlined = new Set(['volumeSource', 'localObjectReference']);

class Reader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  /** A base-128 varint of at most 10 bytes (64 bits), as protobuf writes them. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++] ?? 0;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    throw new Error('varint longer than 10 bytes');
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const aliases: Record<string, string> = { T: 'Time', Q: 'Quantity', I: 'IntOrString' };

function decodeValue(shortType: string, r: Reader): unknown {
  const type = aliases[shortType] ?? shortType;
  if (type === 's') return r.bytes().toString('utf8');
  if (type === 'y') return r.bytes().toString('base64');
  if (type === 'i') return Number(BigInt.asIntN(64, r.varint()));
  if (type === 'b') return r.varint() !== 0n;
  const decoded = decodeMessage(type, r.bytes());
  if (type === 'Time') {
    const seconds = Number(decoded.seconds ?? 0);
    return seconds === 0 ? undefined : metaTime(seconds * 1000);
  }
  if (type === 'Quantity') return decoded.string ?? '0';
  if (type === 'IntOrString') return decoded.type === 1 ? (decoded.strVal ?? '') : (decoded.intVal ?? 0);
  return decoded;
}

function decodeMessage(name: string, buf: Buffer): Json {
  const spec = messages[name];
  if (!spec) throw new Error(`no protobuf table for ${name}`);
  const r = new Reader(buf);
  const out: Json = {};
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    const entry = spec[field];
    if (!entry) {
      r.skip(wire);
      continue;
    }
    const [key, declared] = entry;
    const pointer = declared.endsWith('?');
    const type = pointer ? declared.slice(0, -1) : declared;
    if (type.startsWith('M<')) {
      const valueType = type.slice(2, -1);
      const pair = new Reader(r.bytes());
      let k = '';
      let v: unknown = valueType === 's' ? '' : undefined;
      while (pair.pos < pair.buf.length) {
        const t = Number(pair.varint());
        if (t >>> 3 === 1) k = pair.bytes().toString('utf8');
        else if (t >>> 3 === 2) v = decodeValue(valueType, pair);
        else pair.skip(t & 7);
      }
      const map = (out[key] ??= {}) as Json;
      Object.defineProperty(map, k, { value: v, enumerable: true, writable: true, configurable: true });
    } else if (type.startsWith('[]')) {
      const list = (out[key] as unknown[] | undefined) ?? [];
      list.push(decodeValue(type.slice(2), r));
      out[key] = list;
    } else {
      const value = decodeValue(type, r);
      if (value === undefined) continue;
      if (!pointer && (value === '' || value === 0 || value === false)) continue;
      if (inlined.has(key) && value !== null && typeof value === 'object') Object.assign(out, value);
      else out[key] = value;
    }
  }
  return out;
}

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `k8s\0`-prefixed protobuf body into the object's JSON form. */
export function decodeKubernetesProtobuf(body: Buffer): Json {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic))
    throw badRequest('protobuf body without the k8s magic prefix');
  let unknown: Json;
  try {
    unknown = decodeMessage('Unknown', body.subarray(4));
  } catch (error) {
    throw badRequest(`malformed protobuf body: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const kind = typeMeta.kind ?? '';
  if (messages[kind]?.[1]?.[1] !== 'ObjectMeta') {
    throw unsupportedMediaType('application/vnd.kubernetes.protobuf', [
      'application/json',
      'application/yaml',
    ]);
  }
  try {
    const object = decodeMessage(
      kind,
      Buffer.from(typeof unknown.raw === 'string' ? unknown.raw : '', 'base64'),
    );
    return { apiVersion: typeMeta.apiVersion, kind, ...object };
  } catch (error) {
    throw badRequest(
      `malformed protobuf ${kind}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
