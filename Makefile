# Trakt Library Sync — build, test and demo. `make test` and `make demo` work on a fresh Debian machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
VERSION := $(shell sed -n 's/.*<addon\b[^>]*\bversion="\([^"]*\)".*/\1/p' addon.xml | head -n 1)
ZIP := dist/service.traktsync-$(VERSION).zip
APT_PACKAGES := kodi xvfb xauth libgl1-mesa-dri mariadb-server

.PHONY: test lint check unit zip demo bench screenshots system-packages venv clean kodi-versions

## Install what is missing: Debian's Kodi, Xvfb and MariaDB (apt) and the Python tools (.venv).
system-packages:
	@if [ -x /usr/lib/x86_64-linux-gnu/kodi/kodi.bin ] || ls /usr/lib/*/kodi/kodi.bin >/dev/null 2>&1; then \
	  command -v Xvfb >/dev/null || missing=1; else missing=1; fi; \
	PATH="$$PATH:/usr/sbin:/sbin" command -v mariadbd >/dev/null || missing=1; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null; then \
	    echo "Installing $(APT_PACKAGES) with apt-get (no recommends)"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "apt-get is not available: real Kodi cannot be installed here, the real-Kodi tests will be skipped"; \
	  fi; \
	fi

venv: $(VENV)/.installed
$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

lint: venv
	$(VENV)/bin/ruff check .

## kodi-addon-checker --branch matrix on the zip, offline.
check: venv
	$(PY) -m tools.addon_check

## Everything: lint, addon checker, and every test (real Kodi and the trakt emulator included).
test: system-packages venv lint check
	@if command -v apt-get >/dev/null; then export TRAKTSYNC_REQUIRE_KODI=1; fi; \
	$(PY) -m pytest

unit: venv
	$(PY) -m pytest tests/unit

## The "every major" real-Kodi tests (marker every_major) on Kodi 19.1, 20.1 and 21.2, each from Debian (bullseye,
## bookworm, trixie) in a chroot under build/kodi-chroots/ that is built once and then reused. Needs root.
## KODI_VERSIONS="19 21" picks majors, REPEAT=5 loops them, PYTEST_ARGS="-k menu" narrows the tests.
KODI_VERSIONS ?= 19 20 21
REPEAT ?= 1
kodi-versions: system-packages venv
	@command -v debootstrap >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
	$(PY) -m tools.kodi_versions --kodi $(KODI_VERSIONS) --repeat $(REPEAT) -- $(PYTEST_ARGS)

zip: $(ZIP)
$(ZIP): FORCE
	@mkdir -p dist
	python3 -m tools.build dist
FORCE:

## Real Kodi with a demo library, the add-on installed from its zip.
demo: system-packages venv
	$(PY) -m tools.demo

## The whole sync in real Kodi against the emulator (docs/performance.md); not part of `make test`.
## make bench SIZES=S,M SCENARIOS=first,noop-manual SLOW_SIZES=L  (rows appended to bench/results.json)
SIZES ?= S,M,L,XL
SCENARIOS ?= first,noop-manual,small-change,noop-timer
SLOW_SIZES ?= L
bench: system-packages venv
	$(PY) -m tools.bench --sizes '$(SIZES)' --scenarios '$(SCENARIOS)' --slow-sizes '$(SLOW_SIZES)'

## The README's pictures (docs/screenshots/), taken from real Kodi.
screenshots: system-packages venv
	$(PY) -m tools.readme_screenshots

clean:
	rm -rf dist build artifacts .pytest_cache

# --- Kodi repository and release check ------------------------------------------------------------------------------
## A Kodi repository in dist/repo/ for the address it will be served at: REPO_URL=https://example.org/kodi/ make repo
REPO_URL ?= http://127.0.0.1:8080/
.PHONY: repo release-check
repo:
	REPO_URL='$(REPO_URL)' python3 -m tools.repo dist/repo

## Before tagging v<version>: version bumped, changelog.txt has it, <news> matches, kodi-addon-checker is quiet.
release-check: venv
	$(PY) -m tools.release_check

# --- model-based soak --------------------------------------------------------------------------------------------
## Thousands of random lives of a library thrown at the real sync engine, checked against a reference model.
## SOAK_SEED picks other lives (seed N: lives N*100000 + 0..1999); seed 1's have all passed since they were found.
SOAK_SEED ?= 1
.PHONY: soak
soak: venv
	$(PY) -m tools.soak --lives 2000 --seed $(SOAK_SEED)
