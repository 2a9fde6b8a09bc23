/**
 * The NetworkAttachmentDefinition CRD (k8s.cni.cncf.io/v1) of the Network Plumbing Working Group, which Kube-OVN's
 * NAT gateways and secondary networks refer to: `spec.config` is a CNI configuration as a JSON string.
 */
import { Type } from '@sinclair/typebox';
import type { ResourceType } from '../../api/types.ts';

export const nadType: ResourceType = {
  group: 'k8s.cni.cncf.io',
  version: 'v1',
  kind: 'NetworkAttachmentDefinition',
  listKind: 'NetworkAttachmentDefinitionList',
  plural: 'network-attachment-definitions',
  singular: 'network-attachment-definition',
  shortNames: ['net-attach-def'],
  categories: [],
  namespaced: true,
  subresources: { status: false },
  printerColumns: [],
  schema: Type.Object(
    {
      apiVersion: Type.Optional(Type.String()),
      kind: Type.Optional(Type.String()),
      metadata: Type.Optional(Type.Object({})),
      spec: Type.Optional(
        Type.Object(
          {
            config: Type.Optional(
              Type.String({
                description: 'NetworkAttachmentDefinition config is a JSON-formatted CNI configuration',
              }),
            ),
          },
          {
            description: 'NetworkAttachmentDefinition spec defines the desired state of a network attachment',
          },
        ),
      ),
    },
    {
      description:
        'NetworkAttachmentDefinition is a CRD schema specified by the Network Plumbing Working Group to express the intent for attaching pods to one or more logical or physical networks.',
    },
  ),
};
