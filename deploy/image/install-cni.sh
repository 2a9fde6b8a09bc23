#!/usr/bin/env bash
# The node DaemonSet's init container: puts kovn (with its Node runtime) in the host's /opt/kovn, installs the CNI
# plugin as /opt/cni/bin/kube-ovn (the type Kube-OVN's conflists and NetworkAttachmentDefinitions name) and as
# /opt/cni/bin/kovn, copies loopback, portmap (the conflist chains it) and macvlan (Kube-OVN's external-network
# NetworkAttachmentDefinitions name it) from Debian's containernetworking-plugins over the host's, as Kube-OVN's
# install-cni does, and in primary mode writes the conflist that makes kovn the node's network. In secondary mode
# no conflist is written: the cluster's own CNI stays primary, and kovn serves the networks NetworkAttachmentDefinitions
# of type kube-ovn or kovn name, through Multus.
set -euo pipefail
mode=${KOVN_CNI_MODE:-primary}
socket=${KOVN_CNI_SOCKET:-/run/openvswitch/kube-ovn-daemon.sock}
mkdir -p /host/opt/kovn /opt/cni/bin /etc/cni/net.d
cp -a /opt/kovn/. /host/opt/kovn/
tmp=$(mktemp /opt/cni/bin/.kube-ovn.XXXXXX)
printf '#!/bin/sh\nexec /opt/kovn/bin/kovn-cni "$@"\n' >"$tmp"
chmod 0755 "$tmp"
cp -f "$tmp" /opt/cni/bin/.kovn.new && mv -f /opt/cni/bin/.kovn.new /opt/cni/bin/kovn
mv -f "$tmp" /opt/cni/bin/kube-ovn
for plugin in loopback portmap macvlan; do
  cp -f "/usr/lib/cni/$plugin" "/opt/cni/bin/.$plugin.new" && mv -f "/opt/cni/bin/.$plugin.new" "/opt/cni/bin/$plugin"
done
if [[ $mode == primary ]]; then
  conf=$(mktemp /etc/cni/net.d/.kube-ovn.XXXXXX)
  printf '{"cniVersion":"1.0.0","name":"kube-ovn","plugins":[{"type":"kube-ovn","server_socket":"%s"},{"type":"portmap","capabilities":{"portMappings":true}}]}\n' "$socket" >"$conf"
  chmod 0644 "$conf" && mv -f "$conf" /etc/cni/net.d/01-kube-ovn.conflist
else
  rm -f /etc/cni/net.d/01-kube-ovn.conflist
fi
echo "install-cni: kovn installed in /opt/kovn, plugin /opt/cni/bin/kube-ovn (and kovn, loopback, portmap, macvlan), mode $mode"
