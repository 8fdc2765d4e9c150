# clab — two commands on a fresh Debian machine:
#   make demo   installs what is missing, builds, and runs the main job
#   make test   installs what is missing, builds, lints, type-checks and runs the tests
# Each step is skipped when its outputs are up to date, so both are quick when set up.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages: libtorch (the engine), PyTorch for the reference scripts, OpenBLAS, build tools,
# and Chromium for the dashboard's browser tests (driven by playwright-core; no browser is downloaded).
# slurm-wlm, munge and redis-server: the cluster executors' tests start a single-node Slurm and a Redis.
# libgloo-dev: the headers libtorch's c10d ProcessGroupGloo.hpp includes (data-parallel training, issue 13).
DEB_PACKAGES := libtorch-dev python3-torch libopenblas-dev g++ make python3 chromium slurm-wlm munge redis-server libgloo-dev
# node-gyp must build against the machine's Node headers, never download them.
NODEDIR := $(shell d=$$(npm config get nodedir 2>/dev/null); if [ -n "$$d" ] && [ "$$d" != undefined ] && [ "$$d" != null ]; then echo $$d; elif [ -f /usr/include/node/node.h ]; then echo /usr; fi)
ADDON := native/build/Release/clab_native.node
TS_SOURCES := $(shell find src test bench examples -name '*.ts' 2>/dev/null)
# The dashboard's browser client (`clab serve`), bundled with uPlot into dist/web by esbuild.
WEB_SOURCES := $(wildcard web/*.ts web/*.css web/*.html) web/tsconfig.json src/serve/api-types.ts
NATIVE_SOURCES := native/binding.gyp $(wildcard native/src/*.cc native/src/*.h)
SYSTEM_PYTHON := /usr/bin/python3

.PHONY: help setup system-deps build test lint format demo demo-infonce readme bench fixtures clean screenshot fuzz

help:
	@echo "make demo   - set up (if needed) and reproduce Paper A's Table 1 (quick preset)"
	@echo "make test   - set up (if needed) and run lint, type check and tests"
	@echo "make bench  - speed and memory against PyTorch on this machine"

setup: system-deps node_modules/.package-lock.json $(ADDON) dist/.built dist/web/.built

# Installs missing Debian packages as root; otherwise names them and stops.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "clab needs these Debian packages:$$missing" >&2; \
	    echo "Install them with: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(ADDON): $(NATIVE_SOURCES) node_modules/.package-lock.json
	cd native && npm_config_nodedir=$(NODEDIR) ../node_modules/.bin/node-gyp rebuild -j 2 $(if $(NODEDIR),--nodedir=$(NODEDIR))

dist/.built: $(TS_SOURCES) tsconfig.json node_modules/.package-lock.json
	node_modules/.bin/tsc -p tsconfig.json
	@touch $@

# Type-checks the client against the DOM, then bundles it (and uPlot's CSS) for the server to serve.
dist/web/.built: $(WEB_SOURCES) node_modules/.package-lock.json
	node_modules/.bin/tsc -p web/tsconfig.json
	node_modules/.bin/esbuild web/main.ts --bundle --minify --format=esm --target=es2022 --outdir=dist/web --log-level=warning
	cp web/index.html dist/web/index.html
	@touch $@

# Regenerates the README's dashboard screenshot (docs/dashboard.png) from the browser test's fixture store.
screenshot: setup
	CLAB_DASHBOARD_SCREENSHOT=docs/dashboard.png node --test dist/test/serve/dashboard.test.js

build: setup

PRETTIER_FILES := 'src/**/*.ts' 'test/**/*.ts' 'bench/**/*.ts' 'web/**/*.ts' 'examples/**/*.ts' 'web/*.css'

# Lint and formatter check (prettier, .prettierrc.json); `make format` rewrites the files.
lint: setup
	node_modules/.bin/eslint .
	node_modules/.bin/prettier --check --log-level=warn $(PRETTIER_FILES)

format: setup
	node_modules/.bin/prettier --write --log-level=warn $(PRETTIER_FILES)

# Only *.test.js files: the helpers beside them (fixtures, servers, the ranks of the data-parallel
# tests) are programs, not tests.
test: setup lint
	node --test --test-reporter=spec $$(find dist/test -name '*.test.js' | sort)

# The spec fuzzer at full size (issue 18): 1,000 generated specs across every registered kind,
# through the real CLI; prints the summary the README's Reliability section quotes. Not in `make test`
# (which runs 300).
fuzz: setup
	node dist/test/reliability/fuzz-run.js 1000

# The main job: Paper A's Table 1 with the quick preset, reported next to the paper's numbers.
demo: setup
	node dist/src/cli/main.js reproduce loss-is-not-enough/table1 --preset quick

# The first demo: one encoder trained with InfoNCE on the sphere.
demo-infonce: setup
	node dist/examples/train-infonce.js

# Regenerates the README's CLI reference and docs/cli/ from the CLI itself.
readme: setup
	node dist/src/cli/docs.js

bench: setup
	node dist/bench/run.js

# The PyTorch parity fixtures are computed by the tests on first use (build/fixtures/, keyed by CPU);
# this writes a copy to look at.
fixtures: system-deps
	mkdir -p build/fixtures/inspect && $(SYSTEM_PYTHON) test/fixtures/make_fixtures.py build/fixtures/inspect

clean:
	rm -rf dist native/build build
