#!/usr/bin/env bash
# One-step install, then run the app or the tests.
#
#   bash packaging/setup.sh run [ARGS...]   install everything, start medgui (ARGS go to medgui)
#   bash packaging/setup.sh test [ARGS...]  install everything, run ruff, import-linter, mypy and
#                                           the whole test suite headless (ARGS go to pytest)
#
# Installs the Debian libraries Qt needs, and poppler-utils for the report tests, when run as
# root (otherwise names them), creates
# .venv with Python 3.11+ and installs medgui (editable) with its test tools into it.
# Re-running is cheap: installed pieces are skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:-run}"
shift || true
PY="${PYTHON:-python3}"
VENV="${MEDGUI_VENV:-.venv}"

# Qt's xcb platform plugin and its offscreen renderer need these (PySide6 wheels bundle Qt,
# not these system libraries). libxcb-icccm4/keysyms1 are the ones Qt's error message
# misattributes to xcb-cursor0.
QT_DEBS=(libgl1 libegl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4
  libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0
  libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 libxrender1
  poppler-utils  # pdftotext/pdftoppm: the report tests read the PDFs as a person would
  fonts-noto-cjk)  # the Chinese interface (zh_CN): without a CJK font its text shows as boxes

missing_debs() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local pkg
  for pkg in "${QT_DEBS[@]}" python3-venv; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

mapfile -t missing < <(missing_debs)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "medgui setup: installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "medgui setup: these Debian packages are missing; install them as root first:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    [[ " ${missing[*]} " == *" python3-venv "* ]] && exit 1
  fi
fi

"$PY" - <<'PYCHECK' || { echo "medgui setup: Python 3.11 or newer is needed (set PYTHON=...)" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PYCHECK

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "medgui setup: creating $VENV" >&2
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.medgui-installed"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  echo "medgui setup: installing Python packages into $VENV (first time: a few minutes)" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip uv >/dev/null
  # uv resolves and installs ~2.5x faster than pip; fall back to pip if it fails.
  if ! "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -e ".[test]"; then
    "$VENV/bin/python" -m pip install -q -e ".[test]"
  fi
  touch "$stamp"
fi

case "$mode" in
  run)
    exec "$VENV/bin/medgui" "$@"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    echo "medgui setup: ruff" >&2
    "$VENV/bin/ruff" check .
    echo "medgui setup: import-linter (layering contracts)" >&2
    "$VENV/bin/lint-imports"
    echo "medgui setup: mypy (core and workers)" >&2
    "$VENV/bin/mypy"
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: bash packaging/setup.sh run|test [ARGS...]" >&2
    exit 2
    ;;
esac
