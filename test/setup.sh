#!/usr/bin/env bash
# Installs the real servers and tools the test suite drives: Dovecot (IMAP),
# PostgreSQL, Chromium (web page tests), notmuch (threading check), git.
# Needs root or sudo; safe to run again.
set -euo pipefail
pkgs=(dovecot-imapd postgresql chromium notmuch git)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "test/setup.sh: ${pkgs[*]} present"
