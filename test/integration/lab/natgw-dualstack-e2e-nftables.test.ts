// The dual-stack VPC NAT gateway end-to-end cases of natgw-dualstack-e2e.test.ts, run with the nftables rule backend
// (`natBackend: nftables` in ovn-vpc-nat-config): the same traffic of both families, the IPv6 rules read back from
// `table ip6 kovn-nat`.
process.env['KOVN_TEST_NAT_BACKEND'] = 'nftables';
await import('./natgw-dualstack-e2e.test.ts');
