/**
 * The two admission rules that tie a Subnet to its Vpc and that more than one kind checks: a Vpc and a Subnet may
 * not share a name (checked when either is created), and an object naming both a VPC and a Subnet (VpcDns,
 * VpcNatGateway) must name a Subnet of that VPC. Pure: the caller looks the objects up in its ClusterView.
 */
import { invalid } from '../issues.ts';
import type { ClusterView, FieldIssue } from '../types.ts';
import type { Subnet } from './subnet-schema.ts';

/** The `metadata.name` issue when an object of the other kind (`existing`) already has the name being created. */
export function vpcSubnetNameClash(
  view: ClusterView,
  existing: 'Vpc' | 'Subnet',
  name: string,
): FieldIssue[] {
  if (!view.get(existing, name)) return [];
  return [
    invalid(
      'metadata.name',
      name,
      `a ${existing} named ${name} exists; a vpc and a subnet cannot have the same name`,
    ),
  ];
}

/**
 * The `spec.subnet` issue when the Subnet `subnetName` exists (`subnet`) but belongs to another VPC than `vpc`.
 * Nothing when either is unknown: a missing subnet or vpc is reported by the caller's own rules.
 */
export function subnetOutsideVpc(
  subnetName: string,
  subnet: Subnet | undefined,
  vpc: string | undefined,
): FieldIssue[] {
  if (!subnet || !vpc) return [];
  const owner = subnet.spec?.vpc ?? '';
  if (owner === vpc) return [];
  return [invalid('spec.subnet', subnetName, `subnet ${subnetName} belongs to vpc ${owner}, not ${vpc}`)];
}
