#!/usr/bin/env bash
# Update and compile medgui's interface translations.
#
#   bash scripts/build_translations.sh
#
# 1. pyside6-lupdate reads every tr()/translate() string in medgui/ui/**/*.py into
#    resources/i18n/medgui_<lang>.ts, keeping the translations already there (new strings
#    arrive "unfinished"; strings gone from the code are marked obsolete and dropped).
# 2. Translate the unfinished messages (Qt Linguist: .venv/bin/pyside6-linguist FILE.ts).
# 3. pyside6-lrelease compiles each .ts into the .qm the app loads (medgui.ui.i18n).
# tests/ui/test_i18n.py fails when the .qm does not match its .ts or under 95 % is translated.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${MEDGUI_VENV:-.venv}/bin"
LANGS=(zh_CN)
mapfile -t sources < <(find medgui/ui -name '*.py' | sort)
for lang in "${LANGS[@]}"; do
  ts="resources/i18n/medgui_${lang}.ts"
  "$BIN/pyside6-lupdate" -no-obsolete -locations relative -target-language "$lang" \
    "${sources[@]}" -ts "$ts"
  "$BIN/pyside6-lrelease" "$ts" -qm "resources/i18n/medgui_${lang}.qm"
done
