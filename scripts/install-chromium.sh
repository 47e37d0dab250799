#!/usr/bin/env bash
# Install headless Chromium and CJK fonts (Debian packages) for the browser tests of the HTML views.
# Idempotent and quiet: installs only what is missing, and nothing when both are there.
set -euo pipefail

need=()
have_chromium=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then have_chromium=1; break; fi
done
[ -n "$have_chromium" ] || need+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family 2>/dev/null | grep -q .; }; then
  need+=(fonts-noto-cjk)
fi
[ "${#need[@]}" -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-chromium: need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1; fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
  echo "install-chromium: apt-get install ${need[*]} failed" >&2; exit 1; }
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || {
  echo "install-chromium: chromium not found after install" >&2; exit 1; }
