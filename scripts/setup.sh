#!/usr/bin/env bash
# Installs the system packages Microgenre builds against when any is missing (Debian, Ubuntu),
# then the sentence-embedding model (scripts/setup-model.sh).
set -euo pipefail

missing=()
for package in libicu-dev libxml2-dev zlib1g-dev libsqlite3-dev libopenblas-dev libdnnl-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "setup: error: no 'swift' on PATH; install a Swift 6.1 or later toolchain for Linux first" >&2
    exit 1
fi
"$(dirname "$0")/setup-model.sh"
