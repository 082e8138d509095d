#!/usr/bin/env bash
# Build the image IMAGE (default mockserver:<version>) with podman, from the official Python base when a registry
# answers, else from a Debian 12 base made here with debootstrap (Debian 12's python3 is 3.11) and `podman import`.
# Needs podman, runc and debootstrap (`make image` installs them) and CONTAINERS_CONF (the Makefile sets it).
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
image=${1:-mockserver:$version}
redis_image=${2:-${image%:*}-redis:${image##*:}}  # Redis for the replicas' shared state, from the same base
official=docker.io/library/python:3.11-slim-bookworm
local_base=localhost/mockserver-base:bookworm
cacert=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

if podman image exists "$official" || timeout 60 podman pull -q "$official" >/dev/null 2>&1; then
  base=$official
else
  base=$local_base
  if ! podman image exists "$local_base"; then
    echo "no registry answers: building $local_base with debootstrap" >&2
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$rootfs" \
      "${mirror:-http://deb.debian.org/debian}" >/dev/null
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | podman import -q - "$local_base" >/dev/null
  fi
fi
secret=()
[ -s "$cacert" ] && secret=(--secret "id=cacert,src=$cacert")
podman build -q --format docker "${secret[@]}" --build-arg "BASE=$base" --build-arg "VERSION=$version" -t "$image" .
podman build -q --format docker --build-arg "BASE=$base" -t "$redis_image" -f deploy/podman/Containerfile.redis \
  deploy/podman >/dev/null
podman image prune -f >/dev/null 2>&1 || true  # the build stage and replaced tags
echo "$image and $redis_image built from $base"
