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
TEST_PACKAGES=(xvfb xauth binutils postgresql)  # binutils: strip and readelf for the installer build; postgresql: the suite runs on it too

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

ensure_venv() {
  local extras="[postgresql]" stamp_value  # an office may share a PostgreSQL database
  [ "$WANT_TEST_TOOLS" = test ] && extras="[test]"  # the test tools include the driver
  stamp_value="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)$extras"
  if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.bordereau-stamp" ]; then
    # An install with the test tools also serves the app.
    if grep -qxF "$stamp_value" "$VENV/.bordereau-stamp" \
       || { [ "$extras" = "[postgresql]" ] \
            && grep -qxF "${stamp_value%\[postgresql\]}[test]" "$VENV/.bordereau-stamp"; }; then
      return
    fi
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "Bordereau: création de l'environnement Python dans .venv…"
    python3 -m venv "$VENV"
  fi
  say "Bordereau: installation des dépendances Python…"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null
  if ! "$VENV/bin/python" -m pip install --quiet -e "$ROOT$extras" >"$VENV/pip-install.log" 2>&1; then
    tail -n 30 "$VENV/pip-install.log" >&2
    say "Bordereau: l'installation des dépendances Python a échoué (détails : $VENV/pip-install.log)."
    exit 1
  fi
  printf '%s\n' "$stamp_value" >"$VENV/.bordereau-stamp"
}

ensure_python
ensure_system_packages
ensure_venv
