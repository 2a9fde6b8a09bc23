#!/usr/bin/env bash
# The node's ovn-controller (the DaemonSet's ovn-controller container): points the node's Open_vSwitch at the SB
# (OVN_SB_ADDR), names the chassis after the node (KUBE_NODE_NAME) and tunnels geneve from the node's address
# (NODE_IP), as Kube-OVN's start-ovn-controller does; then runs ovn-controller in the foreground.
set -euo pipefail
: "${OVN_SB_ADDR:?}" "${KUBE_NODE_NAME:?}" "${NODE_IP:?}"
until ovs-vsctl --timeout=5 show >/dev/null 2>&1; do sleep 1; done
ovs-vsctl set open_vswitch . external_ids:ovn-remote="$OVN_SB_ADDR" external_ids:ovn-encap-type=geneve \
  external_ids:ovn-encap-ip="$NODE_IP" external_ids:system-id="$KUBE_NODE_NAME" external_ids:hostname="$KUBE_NODE_NAME"
exec ovn-controller unix:/run/openvswitch/db.sock --pidfile=/run/ovn/ovn-controller.pid -vconsole:info
