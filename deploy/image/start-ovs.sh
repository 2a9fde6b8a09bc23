#!/usr/bin/env bash
# The node's Open vSwitch (the DaemonSet's openvswitch container): ovsdb-server and ovs-vswitchd in the host's
# network namespace, their database kept in /etc/openvswitch (a host path), stopped cleanly on SIGTERM.
set -euo pipefail
ctl=/usr/share/openvswitch/scripts/ovs-ctl
trap '$ctl stop; exit 0' TERM INT
$ctl start --system-id=random --no-mlockall
while $ctl status >/dev/null; do sleep 5 & wait $!; done
echo "start-ovs: ovsdb-server or ovs-vswitchd exited" >&2
exit 1
