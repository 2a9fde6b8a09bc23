#!/usr/bin/env bash
# The local Debian 12 base (`scripts/image/base.sh TAG BUILDER [STORAGE-ARGS...]`) for hosts that reach Debian's
# mirror but no container registry: debootstrap's minbase bookworm from deb.debian.org, made like debian:12-slim
# (bookworm, -updates and -security sources; no docs, man pages or locales installed; no daemon started by a package's
# postinst, through policy-rc.d), imported as TAG into BUILDER's (podman's or buildah's) image store.
set -euo pipefail
tag=$1 builder=$2
shift 2
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null 2>&1 || {
  echo "npm run image: no base image, and no debootstrap to make $tag; apt-get install debootstrap" >&2
  exit 1
}
root=$(mktemp -d /var/tmp/kovn-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "npm run image: debootstrap --variant=minbase bookworm from $mirror (a minute or two, once)" >&2
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
printf '#!/bin/sh\n# a container: packages never start daemons\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
SLIM
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
if [[ $builder == buildah ]]; then
  ctr=$(buildah "$@" from scratch)
  tar -C "$root" -cf "$root.tar" . && trap 'rm -rf "$root" "$root.tar"' EXIT
  buildah "$@" add "$ctr" "$root.tar" / >/dev/null # a local tar archive is unpacked
  buildah "$@" config --cmd '["/bin/bash"]' --os linux "$ctr"
  buildah "$@" commit --quiet --rm "$ctr" "$tag" >/dev/null
else
  tar -C "$root" -c . | podman "$@" import --quiet --change 'CMD ["/bin/bash"]' - "$tag" >/dev/null
fi
echo "npm run image: made base $tag" >&2
