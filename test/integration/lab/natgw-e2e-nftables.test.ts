// The VPC NAT gateway end-to-end cases of natgw-e2e.test.ts, run with the nftables rule backend (`natBackend:
// nftables` in ovn-vpc-nat-config, issue 22 point 4): the same traffic, the same expectations, the rules read back
// from `table ip kovn-nat` and none of kovn's left in iptables.
process.env['KOVN_TEST_NAT_BACKEND'] = 'nftables';
await import('./natgw-e2e.test.ts');
