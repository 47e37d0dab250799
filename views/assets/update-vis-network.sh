#!/usr/bin/env bash
# Re-vendor vis-network's standalone build from the npm registry: bash update-vis-network.sh 9.1.13
set -euo pipefail
version="${1:?usage: update-vis-network.sh VERSION}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "vis-network@${version}" >/dev/null && tar xzf "vis-network-${version}.tgz")
license="$(cd "$work/package" && node -p 'require("./package.json").license')"
case "$license" in *MIT*|*Apache-2.0*) ;; *) echo "unexpected license: $license" >&2; exit 1;; esac
cp "$work/package/standalone/umd/vis-network.min.js" "$here/vis-network-${version}.standalone.min.js"
cp "$work/package/LICENSE-APACHE-2.0" "$here/vis-network-LICENSE-APACHE-2.0.txt"
cp "$work/package/LICENSE-MIT" "$here/vis-network-LICENSE-MIT.txt"
sha256sum "$work/vis-network-${version}.tgz" "$here/vis-network-${version}.standalone.min.js"
echo "license: $license"
