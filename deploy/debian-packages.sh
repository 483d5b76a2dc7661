#!/usr/bin/env bash
# The Debian packages the whole test suite needs, installed when missing.
#
#   deploy/debian-packages.sh          install what is missing (as root), or say what to install
#   deploy/debian-packages.sh --list   print the package names
#
# postgresql and redis-server run the scaled suite on loopback; docker-compose validates
# docker-compose.yml (no Docker engine is needed for that); chromium runs the browser suite;
# exiftool judges the scrubbed images; strace watches the servers' files during an upload, and
# nginx checks and runs deploy/nginx.conf (tests/test_upload_no_disk.py, test_nginx_buffers.py).
set -euo pipefail

PACKAGES=(make postgresql redis-server docker-compose chromium libimage-exiftool-perl strace nginx)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "The test suite needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
