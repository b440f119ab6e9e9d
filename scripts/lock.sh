#!/usr/bin/env bash
# Update the lock files on purpose, after a change to pyproject.toml's dependencies:
#
#     scripts/lock.sh                      keep every locked version that still fits
#     scripts/lock.sh --upgrade            take the newest versions allowed
#     scripts/lock.sh --upgrade-package X  move X only
#
# requirements/app.txt: the app (runtime and the PostgreSQL driver), what ./run-app installs.
# requirements/dev.txt: the app, the test tools and the build backend, for ./run-tests, CI
# and the installers; it is constrained by app.txt, so both hold the same versions.
# Both are universal (every OS, Python 3.11 and newer) and carry every file's sha256.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
UV_VERSION=0.13.9
TOOLS="$ROOT/build/tools/uv-$UV_VERSION"
if [ ! -x "$TOOLS/bin/uv" ]; then
  python3 -m pip install --quiet --target "$TOOLS" "uv==$UV_VERSION"
fi
UV="$TOOLS/bin/uv"
COMMON=(--universal --python-version 3.11 --generate-hashes --no-header --quiet "$@")

"$UV" pip compile pyproject.toml requirements/build.in --extra postgresql "${COMMON[@]}" -o requirements/app.txt
"$UV" pip compile pyproject.toml requirements/build.in --extra postgresql --extra test \
  -c requirements/app.txt "${COMMON[@]}" -o requirements/dev.txt

DIGEST="$(python3 scripts/lockfile.py digest)"
for lock in requirements/app.txt requirements/dev.txt; do
  {
    printf '# Locked by scripts/lock.sh (uv %s): do not edit by hand.\n' "$UV_VERSION"
    printf '# pyproject-dependencies-sha256: %s\n' "$DIGEST"
    grep -v '^# pyproject-dependencies-sha256: \|^# Locked by ' "$lock"
  } >"$lock.new"
  mv "$lock.new" "$lock"
done
echo "requirements/app.txt: $(grep -c '^[a-z0-9]' requirements/app.txt) paquets"
echo "requirements/dev.txt: $(grep -c '^[a-z0-9]' requirements/dev.txt) paquets"
