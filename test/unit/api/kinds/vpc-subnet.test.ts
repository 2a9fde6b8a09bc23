import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Subnet } from '../../../../src/api/kinds/subnet-schema.ts';
import { subnetOutsideVpc, vpcSubnetNameClash } from '../../../../src/api/kinds/vpc-subnet.ts';
import { kubeovn, memoryView } from '../../../support/objects.ts';

const view = memoryView([kubeovn('Vpc', 'blue'), kubeovn('Subnet', 'net1', { vpc: 'blue' })]);

test('a Vpc and a Subnet may not share a name', () => {
  const cases: { existing: 'Vpc' | 'Subnet'; name: string; message?: string }[] = [
    {
      existing: 'Vpc',
      name: 'blue',
      message: 'a Vpc named blue exists; a vpc and a subnet cannot have the same name',
    },
    {
      existing: 'Subnet',
      name: 'net1',
      message: 'a Subnet named net1 exists; a vpc and a subnet cannot have the same name',
    },
    { existing: 'Vpc', name: 'net1' },
    { existing: 'Subnet', name: 'blue' },
    { existing: 'Vpc', name: 'absent' },
  ];
  for (const c of cases) {
    const issues = vpcSubnetNameClash(view, c.existing, c.name);
    const expected = c.message
      ? [{ field: 'metadata.name', type: 'FieldValueInvalid', message: c.message, value: c.name }]
      : [];
    assert.deepEqual(issues, expected, `${c.existing} ${c.name}`);
  }
});

test('an object naming a VPC and a Subnet must name a Subnet of that VPC', () => {
  const subnet = (vpc?: string): Subnet => kubeovn('Subnet', 'net1', vpc === undefined ? {} : { vpc });
  const cases: { name: string; subnet: Subnet | undefined; vpc: string | undefined; message?: string }[] = [
    { name: 'same VPC', subnet: subnet('blue'), vpc: 'blue' },
    {
      name: 'other VPC',
      subnet: subnet('red'),
      vpc: 'blue',
      message: 'subnet net1 belongs to vpc red, not blue',
    },
    {
      name: 'subnet without vpc',
      subnet: subnet(),
      vpc: 'blue',
      message: 'subnet net1 belongs to vpc , not blue',
    },
    { name: 'unknown subnet', subnet: undefined, vpc: 'blue' },
    { name: 'no vpc named', subnet: subnet('red'), vpc: undefined },
    { name: 'empty vpc named', subnet: subnet('red'), vpc: '' },
  ];
  for (const c of cases) {
    const expected = c.message
      ? [{ field: 'spec.subnet', type: 'FieldValueInvalid', message: c.message, value: 'net1' }]
      : [];
    assert.deepEqual(subnetOutsideVpc('net1', c.subnet, c.vpc), expected, c.name);
  }
});
