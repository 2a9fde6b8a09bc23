#!/usr/bin/env bash
# `npm run image`: builds the kovn image (deploy/image/Containerfile: controller, node agent, ovn-central) and the NAT
# gateway image (Containerfile.natgw) with podman, else buildah; says so and fails when neither is installed.
# IMAGE and NATGW_IMAGE override the tags (kovn install --image takes the first; the ovn-vpc-nat-config ConfigMap's
# `image` names the second, as in Kube-OVN). BASE overrides the Debian 12 base (the Containerfiles' build-arg).
# What it detects, rather than assumes, each said on stderr:
# - storage: the builder's default (overlay); vfs when that driver cannot mount here (STORAGE_DRIVER forces one);
# - base: BASE if present or pullable; else (a host that reaches deb.debian.org but no registry) the local
#   localhost/kovn-base:bookworm, made once with debootstrap by scripts/image/base.sh;
# - isolation: the builder's default (an OCI runtime) if a one-line RUN works with it; else chroot, which needs no
#   cgroups or rlimit changes (a sandbox's root often has neither) and still runs each RUN in its own mount namespace;
# - the CA bundle this host's npm trusts (BUILD_CA, NODE_EXTRA_CA_CERTS or npm's cafile), given to `npm ci` as a
#   build secret so a TLS-inspecting proxy works; it ends up in no layer.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version' 2>/dev/null || sed -n 's/.*"version": "\(.*\)".*/\1/p' package.json | head -1)
image=${IMAGE:-localhost/kovn:$version}
natgw=${NATGW_IMAGE:-localhost/kovn-vpc-nat-gw:$version}
base=${BASE:-docker.io/library/debian:12-slim}
local_base=localhost/kovn-base:bookworm
say() { echo "npm run image: $*" >&2; }

if command -v podman >/dev/null 2>&1; then
  builder=podman build=(build)
elif command -v buildah >/dev/null 2>&1; then
  builder=buildah build=(bud)
else
  say "neither podman nor buildah is installed; install one (apt-get install podman) and run it again"
  exit 1
fi

storage=()
if [[ -n ${STORAGE_DRIVER:-} ]]; then
  storage=(--storage-driver "$STORAGE_DRIVER")
elif ! "$builder" info >/dev/null 2>&1; then
  storage=(--storage-driver vfs)
elif command -v buildah >/dev/null 2>&1; then
  probe=$(buildah from scratch 2>/dev/null) || probe=
  if [[ -z $probe ]] || ! buildah mount "$probe" >/dev/null 2>&1; then storage=(--storage-driver vfs); fi
  [[ -n $probe ]] && buildah rm "$probe" >/dev/null 2>&1
fi
((${#storage[@]})) && say "storage driver ${storage[1]} (the default one does not work here)"
tool=("$builder" "${storage[@]}")

if [[ $builder == podman ]]; then
  have() { podman "${storage[@]}" image exists "$1"; }
else
  have() { buildah "${storage[@]}" inspect --type image "$1" >/dev/null 2>&1; }
fi
if have "$base"; then
  :
elif timeout "${PULL_TIMEOUT:-120}" "${tool[@]}" pull -q "$base" >/dev/null 2>/tmp/kovn-image-pull.log; then
  say "pulled $base"
else
  say "cannot pull $base ($(tail -n 1 /tmp/kovn-image-pull.log)); using the local Debian 12 base $local_base instead"
  have "$local_base" || bash scripts/image/base.sh "$local_base" "$builder" "${storage[@]}"
  base=$local_base
fi

probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
printf 'FROM %s\nRUN true\n' "$base" >"$probe_dir/Containerfile"
probe() {
  "${tool[@]}" "${build[@]}" -q "$@" -t localhost/kovn-probe:run -f "$probe_dir/Containerfile" "$probe_dir" \
    >/dev/null 2>"$probe_dir/err"
}
isolation=()
if ! probe; then
  why=$(grep -m1 -i error "$probe_dir/err" || tail -n 1 "$probe_dir/err")
  say "RUN fails under the default isolation ($why); using --isolation chroot"
  isolation=(--isolation chroot)
  probe "${isolation[@]}" || { say "RUN fails under chroot isolation too:"; cat "$probe_dir/err" >&2; exit 1; }
fi
"${tool[@]}" rmi localhost/kovn-probe:run >/dev/null 2>&1 || true

# npm's registry through a TLS-inspecting proxy: the build stage trusts what this host trusts (a build secret).
ca=${BUILD_CA:-${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}}
secret=()
[[ -s $ca ]] && secret=(--secret "id=build-ca,src=$ca")

for spec in "deploy/image/Containerfile $image" "deploy/image/Containerfile.natgw $natgw"; do
  read -r file tag <<<"$spec"
  say "building $tag from $file (base $base)"
  start=$SECONDS
  "${tool[@]}" "${build[@]}" "${isolation[@]}" "${secret[@]}" --layers --build-arg "BASE=$base" -f "$file" -t "$tag" .
  say "built $tag in $((SECONDS - start)) s"
done
echo "built $image and $natgw"
