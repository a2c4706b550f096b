#!/usr/bin/env bash
# How dutydesk fares against the newest Textual: a throwaway venv with the newest Textual release
# from the package index (or TEXTUAL_SPEC), the project's other dependencies and test tools as
# pyproject.toml lists them, then the test suite run from this checkout; a summary at the end.
#
#   bench/newest_textual.sh                      # the whole suite, newest Textual
#   bench/newest_textual.sh tests/test_textual_internals.py tests/test_fast_table.py
#   TEXTUAL_SPEC='textual==8.1.1' bench/newest_textual.sh ...   # a given release
#   KEEP=1 bench/newest_textual.sh               # keep the venv (its path is printed)
#
# Exit status: pytest's. The pinned Textual (pyproject.toml) is not touched. What breaks first on
# an upgrade is listed by tests/test_textual_internals.py, by name (see dutydesk/ui/internals.py).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dutydesk-newest-textual.XXXXXX")
if [ -z "${KEEP:-}" ]; then
    trap 'rm -rf "$WORK"' EXIT
fi

echo "== venv in $WORK"
"$PY" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"

# the dependencies and the test extra of pyproject.toml, Textual left out (installed unpinned)
mapfile -t DEPS < <("$VPY" - "$ROOT/pyproject.toml" <<'EOF'
import re
import sys
import tomllib

with open(sys.argv[1], "rb") as fh:
    project = tomllib.load(fh)["project"]
for dep in project["dependencies"] + project["optional-dependencies"]["test"]:
    if not re.match(r"textual\b", dep):
        print(dep)
EOF
)
PINNED=$(grep -o '"textual==[^"]*"' "$ROOT/pyproject.toml" | tr -d '"' || true)
SPEC=${TEXTUAL_SPEC:-textual}

echo "== installing $SPEC and ${#DEPS[@]} other requirements"
set +e
"$VPY" -m pip install --quiet --upgrade "$SPEC" "${DEPS[@]}" 2>&1 | grep -v "is neither a file nor a directory"
PIP_STATUS=${PIPESTATUS[0]}
set -e
[ "$PIP_STATUS" -eq 0 ] || { echo "pip failed ($PIP_STATUS)"; exit "$PIP_STATUS"; }
VERSION=$("$VPY" -c "import importlib.metadata as m; print(m.version('textual'))")
echo "== Textual $VERSION (the project pins ${PINNED:-nothing})"

cd "$ROOT"
export PYTHONPATH="$ROOT"                 # this checkout's dutydesk, not an installed one
export XDG_CACHE_HOME="$WORK/cache"      # a CSS parse cache of its own
LOG="$WORK/pytest.log"
set +e
"$VPY" -m pytest -p no:cacheprovider "$@" 2>&1 | tee "$LOG"
STATUS=${PIPESTATUS[0]}
set -e

echo
echo "== summary: dutydesk's tests against Textual $VERSION (pinned: ${PINNED:-none})"
grep -E "^(=+ )?[0-9]+ (passed|failed|error)|^[0-9]+ (passed|failed)|(passed|failed|error).* in [0-9.]+s" "$LOG" | tail -1 || true
FAILED=$(grep -E "^(FAILED|ERROR) " "$LOG" | sed -E 's/^(FAILED|ERROR) ([^ ]+).*/\2/' || true)
if [ -n "$FAILED" ]; then
    echo "failing, by test file:"
    echo "$FAILED" | sed 's/::.*//' | sort | uniq -c | sed 's/^/  /'
    CHANGED=$(echo "$FAILED" | sed -nE 's/.*test_private_textual_name_still_there\[(.*)\]$/\1/p')
    if [ -n "$CHANGED" ]; then
        echo "private Textual names dutydesk relies on that changed (dutydesk/ui/internals.py, RELIES_ON):"
        echo "$CHANGED" | sed 's/^/  /'
    fi
else
    echo "no test failed"
fi
[ -n "${KEEP:-}" ] && echo "venv kept: $WORK/venv"
exit "$STATUS"
