# REE Grade: `make demo` and `make test` are the whole set-up (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := test

PLUGIN_NAME := ree_grade
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
PROFILE := $(CURDIR)/.qgis-profile
PLUGINS_DIR := $(CURDIR)/.qgis-plugins
QGIS_PROCESS := /usr/bin/qgis_process.bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Everything that runs QGIS headless: offscreen Qt, an isolated profile, this
# checkout as the plugin, and the venv first on PATH so QGIS's embedded Python
# finds the pip packages.
QGIS_ENV := QT_QPA_PLATFORM=offscreen QGIS_CUSTOM_CONFIG_PATH=$(PROFILE) \
	QGIS_PLUGINPATH=$(PLUGINS_DIR) PATH=$(VENV)/bin:$$PATH VIRTUAL_ENV=$(VENV) \
	OMP_NUM_THREADS=2 PYTHONDONTWRITEBYTECODE=1

.PHONY: setup qgis venv profile lint test demo bench package screenshot docs docs-screenshots translations clean

setup: qgis venv profile

qgis:
	@if [ ! -x $(QGIS_PROCESS) ]; then \
	  echo "Installing QGIS from Debian"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y qgis python3-qgis qgis-providers xvfb; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt scripts/system_constraints.sh scripts/pytest_qgis_pin.sh | qgis
	[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	scripts/system_constraints.sh > $(VENV)/system-constraints.txt
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt "$$(scripts/pytest_qgis_pin.sh)" \
	  -c constraints.txt -c $(VENV)/system-constraints.txt
	touch $@

profile: $(PROFILE)/.enabled

$(PROFILE)/.enabled: metadata.txt | venv
	mkdir -p $(PLUGINS_DIR) $(PROFILE)
	ln -sfn $(CURDIR) $(PLUGINS_DIR)/$(PLUGIN_NAME)
	# qgis_process fails on a plugin that is already enabled (a profile kept from
	# an earlier metadata.txt): that is the state wanted, so only other failures count.
	$(QGIS_ENV) $(QGIS_PROCESS) plugins enable $(PLUGIN_NAME) > $(PROFILE)/enable.log 2>&1 || \
	  grep -q 'already enabled' $(PROFILE)/enable.log || { cat $(PROFILE)/enable.log; exit 1; }
	touch $@

# ruff over the whole checkout, configured by ruff.toml.
lint: venv
	$(VENV)/bin/ruff check --config ruff.toml .

# Lint, then the science without QGIS (tests/unit; pytest-qgis is switched off
# so a QGIS import there fails), then everything through QGIS (tests/processing).
test: setup lint
	$(QGIS_ENV) $(PY) -m pytest tests/unit -p no:pytest_qgis
	$(QGIS_ENV) $(PY) -m pytest tests/processing

demo: setup
	$(QGIS_ENV) $(PY) scripts/demo.py demo_output

bench: setup
	$(QGIS_ENV) $(PY) bench/run_all.py

# The HTML help shipped in help/html/ (committed; tests/processing/test_docs.py checks it is up to date).
docs: setup
	$(QGIS_ENV) $(PY) scripts/build_docs.py

# The tutorial's pictures (QGIS desktop under Xvfb), into docs/guide/images/; then `make docs`. The report picture
# is taken from REE_DOCS_REPORT (default demo_output/report.html, from `make demo`) and kept when there is none.
docs-screenshots: setup
	mkdir -p docs/guide/images
	tests/screenshot/run_capture.sh $(CURDIR)/docs/guide/images $(CURDIR)/tests/screenshot/capture_docs.py
	cat docs/guide/images/state.json && rm -f docs/guide/images/state.json

translations: setup
	$(QGIS_ENV) $(PY) scripts/i18n.py update
	$(PY) scripts/i18n.py compile

screenshot: setup
	mkdir -p docs
	tests/screenshot/run_capture.sh $(CURDIR)/docs/screenshot
	rm -f docs/screenshot.json

package:
	/usr/bin/python3 scripts/package.py dist/$(PLUGIN_NAME).zip

clean:
	rm -rf $(VENV) $(PROFILE) $(PLUGINS_DIR) demo_output dist
