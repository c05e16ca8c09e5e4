#!/usr/bin/env bash
# QGIS desktop under Xvfb with the plugin enabled from the repo's isolated
# profile; capture.py writes OUT.png and OUT.json. Usage: run_capture.sh OUT [SCRIPT]
# (SCRIPT: another capture script, e.g. capture_docs.py, which writes into the folder OUT).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
export QGIS_CUSTOM_CONFIG_PATH="$repo/.qgis-profile" QGIS_PLUGINPATH="$repo/.qgis-plugins"
export PATH="$repo/.venv/bin:$PATH" REE_SCREENSHOT_OUT="$1"
unset QT_QPA_PLATFORM
exec timeout 180 xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/qgis --nologo --noversioncheck \
  --code "${2:-$repo/tests/screenshot/capture.py}"
