#!/usr/bin/env bash
# pytest-qgis 2.1.0 is the last release that supports QGIS 3.22; newer QGIS
# (Debian 13 ships 3.40) takes the current release.
set -euo pipefail
version=$(dpkg-query -W -f='${Version}' qgis 2>/dev/null || /usr/bin/python3 -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)')
major=$(echo "$version" | cut -d. -f1 | sed 's/^[0-9]*://')
minor=$(echo "$version" | cut -d. -f2)
if [ "$major" -eq 3 ] && [ "$minor" -lt 28 ]; then
  echo "pytest-qgis==2.1.0"
else
  echo "pytest-qgis"
fi
