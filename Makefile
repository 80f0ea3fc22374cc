# latent — the two commands on a fresh machine are `make lab` and `make test`.
SHELL       := /bin/bash
.DEFAULT_GOAL := help
VENV        := .venv
PY          := $(VENV)/bin/python
APT_PKGS    := libopenblas-dev libzmq3-dev libedit-dev pkg-config libxml2-utils python3 python3-venv chromium chromium-driver
RELEASE_BIN := .build/release/latent
# OpenBLAS and our own kernels share the two cores; one thread pool each is plenty.
export OPENBLAS_NUM_THREADS ?= 2

.PHONY: help deps apt venv build release test unit integration test-portable lab bench clean

help:
	@echo "make lab    build latent, set up JupyterLab with the latent kernel, open notebooks/"
	@echo "make test   install what is missing, build, run swift test and the integration tests"
	@echo "make bench  run the benchmarks (engine ops, model and recipe throughput, kernel latency)"
	@echo "make test-portable  the unit tests of a build without x86-specific kernels (.build-portable)"

# --- setup: Debian packages and the Python virtualenv ------------------------------------
apt:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: requirements-dev.txt
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

deps: apt venv

# --- build ---------------------------------------------------------------------------------
build: apt
	swift build

release: apt
	swift build -c release --product latent

# --- test ----------------------------------------------------------------------------------
unit: apt
	swift build --build-tests
	swift test --skip-build

integration: deps release
	LATENT_BIN=$(abspath $(RELEASE_BIN)) $(PY) -m pytest -q tests

test: deps
	$(MAKE) unit
	$(MAKE) integration

# The whole unit suite on a portable build (LATENT_PORTABLE=1: no -target-cpu, the kernel modules
# compiled for the baseline), in its own scratch path so that it never mixes with .build: what a
# port to another CPU (ARM Linux, macOS) starts from.
PORTABLE := LATENT_PORTABLE=1 swift
test-portable: apt
	$(PORTABLE) build --build-tests --scratch-path .build-portable
	$(PORTABLE) test --skip-build --scratch-path .build-portable

# --- the main job ----------------------------------------------------------------------------
# LAB_FLAGS: extra flags for `jupyter lab` (e.g. --no-browser --port 8899).
LAB_FLAGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: deps release
	$(RELEASE_BIN) install-kernel --sys-prefix --python $(abspath $(PY))
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_FLAGS)

# --- benchmarks ------------------------------------------------------------------------------
# TORCH_PYTHON: a Python with torch for the model peer (never installed by this Makefile).
TORCH_PYTHON ?= $(PY)
bench: deps release
	$(RELEASE_BIN) bench ops
	$(RELEASE_BIN) bench lang
	@bash tools/bench-model.sh $(RELEASE_BIN) $(TORCH_PYTHON)
	@$(PY) tools/bench_model_pairs.py $(RELEASE_BIN) --python $(TORCH_PYTHON) --pairs 5
	@$(PY) tools/gemm_floor_triples.py $(RELEASE_BIN) --triples 5
	$(RELEASE_BIN) bench distill --profile
	$(RELEASE_BIN) bench rl --profile
	@$(PY) tools/bench_recipe_pairs.py $(RELEASE_BIN) --python $(TORCH_PYTHON) --pairs 3
	$(RELEASE_BIN) install-kernel --sys-prefix --python $(abspath $(PY)) >/dev/null
	$(PY) tools/kernel_latency.py python3 latent --code-for latent='1+1'

clean:
	rm -rf .build
