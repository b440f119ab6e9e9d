#!/usr/bin/env bash
# Shared set-up for ./run-app and ./run-tests: system packages (Debian/Ubuntu), then a
# virtualenv in .venv with Bordereau and its Python dependencies. Idempotent and quick
# when everything is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
WANT_TEST_TOOLS="${1:-app}"   # "app" or "test"

say() { printf '%s\n' "$*" >&2; }

# Each entry is one need; "a|b" accepts either package (Debian 12 vs 13 names).
APP_PACKAGES=(
  tesseract-ocr tesseract-ocr-fra
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 "libglib2.0-0t64|libglib2.0-0"
  fonts-dejavu-core
)
TEST_PACKAGES=(xvfb xauth binutils postgresql shellcheck xdotool openbox)  # binutils: strip and readelf for the installer build; postgresql: the suite runs on it too; shellcheck: actionlint checks the release workflow's scripts with it; xdotool and openbox: the journeys driven by the operating system's own mouse and keyboard

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing_packages() {
  local need alt found
  for need in "$@"; do
    found=""
    IFS='|' read -r -a alts <<<"$need"
    for alt in "${alts[@]}"; do
      if pkg_installed "$alt"; then found=1; break; fi
    done
    [ -n "$found" ] || printf '%s\n' "$need"
  done
}

pick_installable() {
  # For "a|b", the first alternative apt knows about.
  local need="$1" alt
  IFS='|' read -r -a alts <<<"$need"
  for alt in "${alts[@]}"; do
    if apt-cache show "$alt" >/dev/null 2>&1; then printf '%s\n' "$alt"; return; fi
  done
  printf '%s\n' "${alts[0]}"
}

ensure_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "Bordereau: ce n'est pas une Debian/Ubuntu ; installez Tesseract (avec le français) et Python 3.11+ vous-même."
    return
  fi
  local wanted=("${APP_PACKAGES[@]}")
  [ "$WANT_TEST_TOOLS" = test ] && wanted+=("${TEST_PACKAGES[@]}")
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    wanted+=("python3-venv")
  fi
  mapfile -t missing < <(missing_packages "${wanted[@]}")
  [ "${#missing[@]}" -eq 0 ] && return
  if [ "$(id -u)" -eq 0 ]; then
    say "Bordereau: installation des paquets système manquants : ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    local names=() need
    for need in "${missing[@]}"; do names+=("$(pick_installable "$need")"); done
    apt-get install -y -qq --no-install-recommends "${names[@]}" >/dev/null
  else
    local names=() need
    for need in "${missing[@]}"; do names+=("${need%%|*}"); done
    say "Bordereau a besoin de paquets système qui manquent. Lancez :"
    say "  sudo apt-get update && sudo apt-get install -y ${names[*]}"
    say "puis relancez cette commande."
    exit 1
  fi
}

ensure_python() {
  if ! command -v python3 >/dev/null 2>&1; then
    say "Bordereau: python3 est introuvable. Lancez : sudo apt-get install -y python3 python3-venv"
    exit 1
  fi
  if ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    say "Bordereau: Python 3.11 ou plus récent est nécessaire (trouvé : $(python3 --version 2>&1))."
    exit 1
  fi
}

lock_stamp() {  # what the venv was made from: the lock file's own digest
  printf '%s %s\n' "$(basename "$1")" "$(sha256sum "$1" | cut -d' ' -f1)"
}

ensure_venv() {
  # The venv holds exactly a lock file's versions (scripts/lock.sh makes them): the app's
  # (requirements/app.txt) or the app's with the test tools (requirements/dev.txt, the same
  # versions plus the tools). A changed lock makes a new venv, so nothing stale stays in it.
  local lock="$ROOT/requirements/app.txt" dev_lock="$ROOT/requirements/dev.txt" stamp
  [ "$WANT_TEST_TOOLS" = test ] && lock="$dev_lock"
  stamp="$VENV/.bordereau-stamp"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ]; then
    if grep -qxF "$(lock_stamp "$lock")" "$stamp" \
       || { [ "$lock" != "$dev_lock" ] && grep -qxF "$(lock_stamp "$dev_lock")" "$stamp"; }; then
      return  # up to date (an install with the test tools also serves the app)
    fi
    if ! grep -qxF "$(lock_stamp "$ROOT/requirements/app.txt")" "$stamp"; then
      say "Bordereau: les versions verrouillées ont changé ; nouvel environnement Python…"
      rm -rf "$VENV"
    fi
  elif [ -d "$VENV" ]; then
    say "Bordereau: environnement Python incomplet ; nouvel environnement…"
    rm -rf "$VENV"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "Bordereau: création de l'environnement Python dans .venv…"
    python3 -m venv "$VENV"
  fi
  say "Bordereau: installation des dépendances Python (versions verrouillées)…"
  if ! { "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
           --require-hashes -r "$lock" \
         && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
           --no-deps --no-build-isolation -e "$ROOT"; } >"$VENV/pip-install.log" 2>&1; then
    tail -n 30 "$VENV/pip-install.log" >&2
    say "Bordereau: l'installation des dépendances Python a échoué (détails : $VENV/pip-install.log)."
    exit 1
  fi
  lock_stamp "$lock" >"$stamp"
}

ensure_python
ensure_system_packages
# CI runners install the system packages as root, then run the rest as their own user.
[ "${BORDEREAU_SYSTEM_PACKAGES_ONLY:-}" = 1 ] && exit 0
ensure_venv
