#!/usr/bin/env bash
# One-time (and cheap to repeat) set-up for kovn on Debian 12 as root: the apt packages the lab and the tests use,
# then the npm dependencies, which bring the Node 24 runtime that every kovn command runs on.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  openvswitch-switch ovn-central ovn-host          # the real OVN/OVS dataplane
  iproute2 iptables nftables ethtool conntrack     # namespaces, NAT rule sets
  conntrackd                                       # HA NAT gateways: conntrack sync between instances (ADR 37)
  ipset                                            # the node agent's natOutgoing sets (Kube-OVN's ovn40subnets...)
  procps                                           # sysctl: the node agent turns the node's forwarding on
  iputils-ping iputils-arping netcat-openbsd tcpdump  # traffic checks; gratuitous ARP after a NIC is plugged
  dnsutils curl                                    # dig and curl: DNS lookups and HTTP by name from VPC pods in the tests
  containernetworking-plugins                      # real CNI plugins (macvlan, ...)
  python3                                          # the TProxy listener's socket (IP_TRANSPARENT, which Node lacks)
  python3-pyroute2                                 # the node agent's link helper: netlink in any namespace (ADR 34)
  chromium                                         # the topology page's browser test (driven by playwright-core)
)
# A real kubectl for the end-to-end tests: Debian's, unless the machine already has one (some images ship kubectl 1.3x).
command -v kubectl >/dev/null 2>&1 || APT_PACKAGES+=(kubernetes-client)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No systemd here: keep package scripts from starting OVS/OVN daemons in the root namespace.
  policy=/usr/sbin/policy-rc.d
  had_policy=0; [[ -e $policy ]] && had_policy=1
  ((had_policy)) || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; }
  trap '((had_policy)) || rm -f "$policy"' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/kovn-apt.log 2>&1 || { tail -n 40 /tmp/kovn-apt.log >&2; exit 1; }
fi

stamp=node_modules/.kovn-setup
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -x node_modules/.bin/node || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  echo "setup: installing npm dependencies (with the Node 24 runtime)"
  npm ci --no-fund --no-audit --loglevel=error
  echo "$want" >"$stamp"
fi
node_version=$(node_modules/.bin/node --version)
[[ $node_version == v24.* ]] || { echo "setup: expected Node 24 in node_modules, found $node_version" >&2; exit 1; }
