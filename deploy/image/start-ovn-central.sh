#!/usr/bin/env bash
# OVN central (the ovn-central StatefulSet): NB (6641) and SB (6642) ovsdb-servers and ovn-northd. One member runs
# standalone databases; with several (OVN_CENTRAL_MEMBERS, the members' stable names), NB and SB are Raft clusters
# (raft ports 6643, 6644) that the first member creates and the others join, as Kube-OVN runs them.
# `start-ovn-central.sh --ready` is the readiness probe: both databases answer (and, clustered, have a leader).
set -euo pipefail
ctl=/usr/share/ovn/scripts/ovn-ctl
if [[ ${1:-} == --ready ]]; then
  ovsdb-client --timeout=3 list-dbs unix:/run/ovn/ovnnb_db.sock | grep -q OVN_Northbound
  ovsdb-client --timeout=3 list-dbs unix:/run/ovn/ovnsb_db.sock | grep -q OVN_Southbound
  exit 0
fi
IFS=, read -r -a members <<<"${OVN_CENTRAL_MEMBERS:-}"
args=(--db-nb-addr=0.0.0.0 --db-sb-addr=0.0.0.0 --db-nb-create-insecure-remote=yes --db-sb-create-insecure-remote=yes)
if ((${#members[@]} > 1)); then
  first=${members[0]}
  me=$(hostname -i | awk '{print $1}') # the pod's address (only Raft members need it)
  args+=(--db-nb-cluster-local-addr="$me" --db-sb-cluster-local-addr="$me")
  if [[ $first != "${POD_NAME:-}".* ]]; then
    leader=$(getent hosts "$first" | awk '{print $1}')
    args+=(--db-nb-cluster-remote-addr="$leader" --db-sb-cluster-remote-addr="$leader")
  fi
fi
trap '$ctl stop_northd; $ctl stop_ovsdb; exit 0' TERM INT
$ctl "${args[@]}" start_ovsdb
nb=$(printf 'tcp:%s:6641,' "${members[@]:-127.0.0.1}"); sb=$(printf 'tcp:%s:6642,' "${members[@]:-127.0.0.1}")
$ctl --ovn-manage-ovsdb=no --ovn-northd-nb-db="${nb%,}" --ovn-northd-sb-db="${sb%,}" start_northd
while $ctl status_ovsdb >/dev/null && $ctl status_northd >/dev/null; do sleep 5 & wait $!; done
echo "start-ovn-central: a database or northd exited" >&2
exit 1
