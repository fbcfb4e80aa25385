#!/usr/bin/env bash
# Checks the Kubernetes manifests under deploy/ (docs/deploy.md):
#
#   1. every YAML file there validates, in strict mode (unknown fields are errors), against the
#      Kubernetes API schema of version $K8S_VERSION, with kubernetes-validate (pinned below);
#      every resource must be checked against a schema: one of a kind or apiVersion the
#      validator has no schema for (which it only warns about) fails here;
#   2. broken copies of deploy/rows-job.yaml, written to a temporary directory, are rejected
#      (a misspelt field, completions as a string, a misspelt field deep in the pod, an unknown
#      apiVersion), so the check cannot pass by validating nothing;
#   3. in every Indexed Job, spec.completions equals the N of --shard "$((JOB_COMPLETION_INDEX + 1))/N"
#      in its command, and a copy where they differ is caught.
#
# kubernetes-validate bundles the schemas, so after the first run (which pip-installs it into a
# virtual environment in .build/deploy-venv) this needs no network. It exits non-zero, with the
# validator's message, on any failure, and prints a one-line summary on success.
#
#   scripts/check-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VALIDATOR_VERSION=1.37.0
# The Kubernetes version validated against: backoffLimitPerIndex is GA from 1.33.
K8S_VERSION=1.33.0
venv=.build/deploy-venv

fail() {
    echo "check-deploy.sh: error: $*" >&2
    exit 1
}

# The validator, in its own virtual environment; pip runs only when it is missing or another version.
if [ "$("$venv/bin/kubernetes-validate" --version 2>/dev/null)" != "$VALIDATOR_VERSION" ]; then
    echo "check-deploy.sh: installing kubernetes-validate $VALIDATOR_VERSION into $venv" >&2
    python3 -m venv "$venv" || fail "cannot create a virtual environment in $venv (on Debian: apt-get install python3-venv)"
    "$venv/bin/python" -m pip install -q "kubernetes-validate==$VALIDATOR_VERSION" ||
        fail "cannot install kubernetes-validate $VALIDATOR_VERSION"
    [ "$("$venv/bin/kubernetes-validate" --version)" = "$VALIDATOR_VERSION" ] ||
        fail "kubernetes-validate in $venv is not version $VALIDATOR_VERSION"
fi
python=$venv/bin/python

mapfile -t files < <(find deploy -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
((${#files[@]})) || fail "no YAML files under deploy/"
job=deploy/rows-job.yaml
[ -f "$job" ] || fail "$job is missing"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A small Python helper (the venv has PyYAML, which the validator needs).
cat >"$tmp/helper.py" <<'PY'
import copy, re, sys, yaml

def documents(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]

def count(paths):
    print(sum(len(documents(p)) for p in paths))

def shards(paths):
    """Every Indexed Job's completions must equal the N of its --shard "$((JOB_COMPLETION_INDEX + 1))/N"."""
    pattern = re.compile(r'--shard\s+"?\$\(\(\s*JOB_COMPLETION_INDEX\s*\+\s*1\s*\)\)/(\d+)"?')
    checked, problems = [], []
    for path in paths:
        for doc in documents(path):
            spec = doc.get("spec") or {}
            if doc.get("kind") != "Job" or spec.get("completionMode") != "Indexed":
                continue
            name = f'{path}: job/{(doc.get("metadata") or {}).get("name")}'
            pod = (spec.get("template") or {}).get("spec") or {}
            text = " ".join(
                str(part) for c in pod.get("containers") or [] for part in (c.get("command") or []) + (c.get("args") or []))
            found = [int(n) for n in pattern.findall(text)]
            completions = spec.get("completions")
            if not found:
                problems.append(f'{name}: no --shard "$((JOB_COMPLETION_INDEX + 1))/N" in its containers\' commands')
            elif any(n != completions for n in found):
                problems.append(f"{name}: spec.completions is {completions} but --shard says N = {found[0]}: change them together")
            else:
                checked.append(f"{name} {completions}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    if not checked:
        print("no Indexed Job found", file=sys.stderr)
        sys.exit(1)
    print(", ".join(checked))

def broken(path, out):
    """Writes broken copies of the Job in `path` to the directory `out`, one per mistake."""
    (job,) = [d for d in documents(path) if d.get("kind") == "Job"]
    def write(name, change):
        doc = copy.deepcopy(job)
        change(doc)
        with open(f"{out}/{name}.yaml", "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
    write("misspelt-field", lambda d: d["spec"].update(completionMod=d["spec"].pop("completionMode")))
    write("completions-string", lambda d: d["spec"].update(completions=str(d["spec"]["completions"])))
    write("misspelt-deep", lambda d: d["spec"]["template"]["spec"]["containers"][0]["securityContext"].update(
        readOnlyRootFilesytem=True))
    write("unknown-api-version", lambda d: d.update(apiVersion="batch/v2"))
    write("shards-mismatch", lambda d: d["spec"].update(completions=d["spec"]["completions"] + 1))

{"count": lambda: count(sys.argv[2:]), "shards": lambda: shards(sys.argv[2:]),
 "broken": lambda: broken(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
PY

# validate FILE: 0 when every resource in FILE passed the strict schema check; the validator's
# output is in $tmp/out. A resource the validator could not find a schema for does not pass.
validate() {
    local status=0 resources passed
    "$venv/bin/kubernetes-validate" --strict -k "$K8S_VERSION" "$1" >"$tmp/out" 2>&1 || status=$?
    resources=$("$python" "$tmp/helper.py" count "$1")
    passed=$(grep -c '^INFO .* passed for resource ' "$tmp/out" || true)
    [ "$status" -eq 0 ] && [ "$resources" -gt 0 ] && [ "$passed" -eq "$resources" ] &&
        ! grep -Eq '^(WARN|ERROR|FATAL)' "$tmp/out"
}

# 1. The manifests.
resources=0
for file in "${files[@]}"; do
    if ! validate "$file"; then
        cat "$tmp/out" >&2
        fail "$file does not validate against Kubernetes $K8S_VERSION (kubernetes-validate $VALIDATOR_VERSION, strict)"
    fi
    resources=$((resources + $("$python" "$tmp/helper.py" count "$file")))
done

# 2. Broken copies must be rejected.
mkdir "$tmp/broken"
"$python" "$tmp/helper.py" broken "$job" "$tmp/broken"
rejected=0
for copy in misspelt-field completions-string misspelt-deep unknown-api-version; do
    if validate "$tmp/broken/$copy.yaml"; then
        cat "$tmp/out" >&2
        fail "a broken copy of $job ($copy) was accepted: the check would pass anything"
    fi
    rejected=$((rejected + 1))
done

# 3. completions = N of --shard, and a copy where they differ is caught.
shards=$("$python" "$tmp/helper.py" shards "${files[@]}") || fail "completions and --shard disagree (above)"
if "$python" "$tmp/helper.py" shards "$tmp/broken/shards-mismatch.yaml" 2>/dev/null >&2; then
    fail "a copy of $job whose completions differ from its --shard N was accepted"
fi
rejected=$((rejected + 1))

echo "check-deploy: ${#files[@]} file(s), $resources resource(s) valid against Kubernetes ${K8S_VERSION%.0}" \
    "(kubernetes-validate $VALIDATOR_VERSION, strict); $rejected broken copies rejected;" \
    "completions = --shard N ($shards)"
