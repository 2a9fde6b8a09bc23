#!/usr/bin/env bash
# `npm run image`: builds the kovn image (deploy/image/Containerfile: controller, node agent, ovn-central) and the NAT
# gateway image (Containerfile.natgw) with podman, else buildah; says so and fails when neither is installed.
# IMAGE and NATGW_IMAGE override the tags (kovn install --image takes the first; the ovn-vpc-nat-config ConfigMap's
# `image` names the second, as in Kube-OVN).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version' 2>/dev/null || sed -n 's/.*"version": "\(.*\)".*/\1/p' package.json | head -1)
image=${IMAGE:-localhost/kovn:$version}
natgw=${NATGW_IMAGE:-localhost/kovn-vpc-nat-gw:$version}
if command -v podman >/dev/null 2>&1; then
  build=(podman build)
elif command -v buildah >/dev/null 2>&1; then
  build=(buildah bud)
else
  echo "npm run image: neither podman nor buildah is installed; install one (apt-get install podman) and run it again" >&2
  exit 1
fi
"${build[@]}" -f deploy/image/Containerfile -t "$image" .
"${build[@]}" -f deploy/image/Containerfile.natgw -t "$natgw" .
echo "built $image and $natgw"
