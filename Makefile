# AdamBench — the user's surface. `make help` lists the targets.
# Every target installs what it needs first (system packages, data, build), so each works alone on a
# fresh clone.

SHELL := /bin/bash
.DEFAULT_GOAL := help

SHARED_DIR ?= ../shared
DATA_DIR ?= data
# A local CIFAR-10 (canonical batches, cifar-10-binary.tar.gz, or the cifar10-jpeg stand-in); by default
# the stand-in of the shared folder when it is there, else the canonical URL is tried.
CIFAR10_DIR ?= $(if $(wildcard $(SHARED_DIR)/data/cifar10-jpeg/data_batch_1.bin.gz),$(SHARED_DIR)/data/cifar10-jpeg,)
PYTHON ?= python3
SWIFT ?= swift
BIN := .build/release/adam-bench
APT_PACKAGES := libopenblas-dev libsqlite3-dev zlib1g-dev pkg-config dataset-fashion-mnist python3 python3-pip

# Benchmarks and runs meant to be fast measure the user's default: OpenBLAS's kernel set chosen by
# the CPU's family (BLASKernel), so they drop OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (which some
# machines set as a guard for older OpenBLAS builds) for that command alone. `KERNEL_ENV=` keeps them.
KERNEL_ENV ?= env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE
KERNEL_NOTE = @$(if $(KERNEL_ENV),echo "$@: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this command (kernel set by CPU family; KERNEL_ENV= keeps them)",true)

export ADAMBENCH_SHARED := $(abspath $(SHARED_DIR))
export ADAMBENCH_DATA := $(abspath $(DATA_DIR))


.PHONY: help deps data build lint format test smoke fuzz soak baseline-runs check-baseline update-baseline bench bench-peers reproduce report export-results import-results check-results clean distclean

SCALE ?= quick
DB ?= results/adambench.sqlite
SPECS := $(wildcard experiments/*.yaml)

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## Install the system packages (apt-get, when root), or print the command to run
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done | tr '\n' ' '); \
	if [ -n "$${missing// /}" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing > /dev/null || exit 1; \
	  else \
	    echo "deps: missing system packages: $$missing"; echo "run: sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi

data: deps ## Obtain and verify MNIST, Fashion-MNIST, IMDB and CIFAR-10 under data/ (CIFAR10_DIR=... for a local copy)
	@$(PYTHON) scripts/fetch_data.py --data-dir "$(DATA_DIR)" $(if $(CIFAR10_DIR),--cifar10-dir "$(CIFAR10_DIR)")

build: deps ## Build adam-bench (release, optimized)
	@$(SWIFT) build -c release 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting|Linking|Applying)'; exit $${PIPESTATUS[0]}

# The toolchain's formatter with the committed configuration (.swift-format: 4 spaces, 120 columns,
# no statements joined by `;`, ordered imports).
FORMAT_PATHS := Sources Tests Package.swift

lint: ## Check the formatting of Sources, Tests and Package.swift (swift format lint --strict)
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)
	@echo "lint: no formatting violations"

format: ## Reformat Sources, Tests and Package.swift in place (swift format)
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

test: deps data build lint ## Run every test: formatting, data script, dataset verification, smoke-scale experiments, Swift tests
	$(PYTHON) -m unittest discover -s scripts -p 'test_*.py'
	$(MAKE) --no-print-directory check-results
	$(BIN) data verify --data-dir "$(DATA_DIR)"
	$(MAKE) --no-print-directory smoke
	$(MAKE) --no-print-directory check-baseline
	$(SWIFT) test -c release

smoke: deps data build ## Every spec end to end at smoke scale (real data, real training) into a fresh database
	@rm -f .build/smoke.sqlite .build/smoke.sqlite-wal .build/smoke.sqlite-shm
	$(BIN) run $(SPECS) --scale smoke --db .build/smoke.sqlite --data-dir "$(DATA_DIR)"
	$(BIN) runs --db .build/smoke.sqlite | awk -F'\t' '$$6 != "completed" { bad = 1; print "smoke: run not completed: " $$0 } END { exit bad }'
	$(BIN) report --db .build/smoke.sqlite --out .build/smoke-report
	@test -s .build/smoke-report/REPORT.md && echo "smoke: report rendered in .build/smoke-report/REPORT.md"

# The regression gate: BASELINE_SCALE's runs recorded afresh and compared with the committed
# baseline by `adam-bench compare` (exit 1 when a curve moved, a status got worse, a run went missing
# or a claim's verdict changed). The runs use BASELINE_KERNELS, the OpenBLAS kernel set the baseline
# was recorded with (Haswell runs on every x86-64 CPU with AVX2 and FMA), so the gate gives the same
# answer on every such machine. After a deliberate change of the numbers: make update-baseline.
BASELINE_SCALE ?= smoke
BASELINE ?= results/baselines/$(BASELINE_SCALE).sqlite.gz
BASELINE_KERNELS ?= Haswell
BASELINE_RUN := .build/baseline-check-$(BASELINE_SCALE).sqlite

baseline-runs: deps data build
	@rm -f $(BASELINE_RUN) $(BASELINE_RUN)-wal $(BASELINE_RUN)-shm
	OPENBLAS_CORETYPE=$(BASELINE_KERNELS) $(BIN) run $(SPECS) --scale $(BASELINE_SCALE) --db $(BASELINE_RUN) --data-dir "$(DATA_DIR)" > $(BASELINE_RUN).log

check-baseline: baseline-runs ## Record the BASELINE_SCALE (smoke) runs afresh and compare them with the committed BASELINE
	@test -f "$(BASELINE)" || { echo "check-baseline: $(BASELINE) does not exist; make update-baseline records it"; exit 2; }
	@gunzip -c "$(BASELINE)" > .build/baseline-$(BASELINE_SCALE).sqlite
	$(BIN) compare .build/baseline-$(BASELINE_SCALE).sqlite $(BASELINE_RUN) --junit .build/baseline-$(BASELINE_SCALE).junit.xml

update-baseline: baseline-runs ## Record the BASELINE_SCALE runs as the new committed BASELINE (after a deliberate change)
	@mkdir -p "$(dir $(BASELINE))"
	@rm -f .build/baseline-new.sqlite
	$(PYTHON) -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute(\"VACUUM INTO '\" + sys.argv[2] + \"'\")" $(BASELINE_RUN) .build/baseline-new.sqlite
	gzip -9 -n -c .build/baseline-new.sqlite > "$(BASELINE)"
	@echo "update-baseline: wrote $(BASELINE); commit it with the change that moved the numbers"

# libFuzzer targets (Sources/adam-bench-fuzz): every parser users hand files to, fed mutated bytes
# from the committed seed corpus (Tests/FuzzCorpus/TARGET, copied so it stays as committed) for
# FUZZ_SECONDS each, with AddressSanitizer. A trap or a sanitizer report stops the target, leaves
# the input in .build/fuzz-artifacts/TARGET/ and fails the rule. Not part of `make test`. Leak
# checking is off (Foundation's Data(contentsOf:) leaks 4 KB reading an empty file); Swift's own
# crash reporter is off so that AddressSanitizer reports a trap.
FUZZ_SECONDS ?= 120
FUZZ_TARGETS := spec idx cifar10 imdb trace database
FUZZ_BIN := .build/fuzz/release/adam-bench-fuzz
fuzz: deps ## Fuzz every parser for FUZZ_SECONDS each (libFuzzer + AddressSanitizer; targets: FUZZ_TARGETS)
	ADAMBENCH_FUZZ=1 $(SWIFT) build -c release --scratch-path .build/fuzz --product adam-bench-fuzz \
	  -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting|Linking|Applying)|__asan_extra_spill_area'; exit $${PIPESTATUS[0]}
	@status=0; for t in $(FUZZ_TARGETS); do \
	  rm -rf .build/fuzz-corpus/$$t .build/fuzz-artifacts/$$t; mkdir -p .build/fuzz-corpus/$$t .build/fuzz-artifacts/$$t; \
	  cp Tests/FuzzCorpus/$$t/* .build/fuzz-corpus/$$t/; \
	  ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no ADAMBENCH_FUZZ_TARGET=$$t $(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 \
	    -max_len=65536 -artifact_prefix=.build/fuzz-artifacts/$$t/ -print_final_stats=1 .build/fuzz-corpus/$$t \
	    > .build/fuzz-artifacts/$$t.log 2>&1 || status=1; \
	  echo "fuzz $$t: $$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' .build/fuzz-artifacts/$$t.log | grep -o '[0-9]*$$') executions, corpus $$(ls .build/fuzz-corpus/$$t | wc -l) inputs, $$(ls .build/fuzz-artifacts/$$t | wc -l) crashes (log .build/fuzz-artifacts/$$t.log)"; \
	done; exit $$status

# The kill soak (Tests/CLITests/KillSoakTests.swift): `run` alone, two `run`s on one database, and
# `merge`, SIGKILLed at SOAK_SEED's random moments until SOAK_KILLS kills have landed; every database
# then finished must hold the uninterrupted curves and point counts. `make test` runs it with 20.
SOAK_KILLS ?= 100
SOAK_SEED ?= $(shell date +%s)
soak: deps data build ## SIGKILL soak: SOAK_KILLS kills (default 100) at random moments (SOAK_SEED; default: the time)
	ADAMBENCH_SOAK_KILLS=$(SOAK_KILLS) ADAMBENCH_SOAK_SEED=$(SOAK_SEED) $(SWIFT) test -c release --filter KillSoakTests

bench: build ## Throughput benchmarks, one thread: optimizers, models, results store
	$(KERNEL_NOTE)
	$(KERNEL_ENV) $(BIN) bench optimizers
	$(KERNEL_ENV) $(BIN) bench models
	$(KERNEL_ENV) $(BIN) bench store

# A Python with the peers' frameworks (../shared/peers/README.md); made on first use of bench-peers.
PEERS_PYTHON ?= $(HOME)/.peers-venv/bin/python
PEERS_PACKAGES := 'torch==2.13.0+cpu' 'jax[cpu]==0.10.2' 'optax==0.2.8' numpy threadpoolctl

bench-peers: build ## Training steps side by side with PyTorch and JAX (../shared/peers), one thread, in rounds
	@test -x "$(PEERS_PYTHON)" || { echo "bench-peers: installing PyTorch, JAX and optax into $(abspath $(dir $(PEERS_PYTHON))/..)"; \
	  $(PYTHON) -m venv "$(abspath $(dir $(PEERS_PYTHON))/..)" && "$(PEERS_PYTHON)" -m pip install -q $(PEERS_PACKAGES); } \
	  || { echo "bench-peers: could not set up $(PEERS_PYTHON); run: python3 -m venv ~/.peers-venv && ~/.peers-venv/bin/pip install $(PEERS_PACKAGES)"; exit 1; }
	$(KERNEL_NOTE)
	$(KERNEL_ENV) $(PYTHON) scripts/bench_side_by_side.py --rounds 2 --python "$(PEERS_PYTHON)" --peers "$(SHARED_DIR)/peers"

reproduce: deps data build ## Run every spec at SCALE (default quick) into DB, then render results/REPORT.md; the default DB starts from the committed results, so only missing runs run
	@mkdir -p "$(dir $(DB))"
	@$(if $(filter results/adambench.sqlite,$(DB)),test -e "$(DB)" || $(PYTHON) scripts/import_results.py "$(RESULTS_PARTS)" "$(DB)",true)
	$(KERNEL_NOTE)
	$(KERNEL_ENV) $(BIN) run $(SPECS) --scale $(SCALE) --db "$(DB)" --data-dir "$(DATA_DIR)"
	$(BIN) report --db "$(DB)" --out results

report: build ## Render results/ (tables, plots, claim verdicts) from DB (default results/adambench.sqlite)
	$(BIN) report --db "$(DB)" --out results

# The committed database: one xz-compressed SQLite part per experiment under RESULTS_PARTS (each well
# under the 4 MiB commit limit; an experiment whose rows did not change keeps its bytes).
RESULTS_PARTS ?= results/db

export-results: ## Write DB as results/db/<experiment>.sqlite.xz (checkpoints dropped, unfinished runs reset: small enough to commit)
	@test -f "$(DB)" || { echo "export-results: no database $(DB)"; exit 1; }
	$(PYTHON) scripts/export_results.py "$(DB)" "$(RESULTS_PARTS)"

import-results: ## Restore DB from the parts in results/db (refuses to overwrite an existing DB)
	$(PYTHON) scripts/import_results.py "$(RESULTS_PARTS)" "$(DB)"

# The committed results as a fresh clone gets them: the parts restore into a database adam-bench
# opens (so `make reproduce` resumes from it), and that database renders the committed reports byte
# for byte (so none is stale). Hand-written files (results/README.md), the parts and a local database
# (results/adambench.sqlite*) are not compared.
RESULTS_CHECK = .build/results-check
check-results: build ## Restore the committed results database and check that it renders the committed reports unchanged
	@rm -rf "$(RESULTS_CHECK)" && mkdir -p "$(RESULTS_CHECK)"
	$(PYTHON) scripts/import_results.py "$(RESULTS_PARTS)" "$(RESULTS_CHECK)/adambench.sqlite"
	$(BIN) report --db "$(RESULTS_CHECK)/adambench.sqlite" --out "$(RESULTS_CHECK)/results" > /dev/null
	@diff -r -x db -x baselines -x README.md -x "*.sqlite*" results "$(RESULTS_CHECK)/results" \
		|| { echo "check-results: the committed reports differ from what results/db renders (make report after make import-results, then commit both)"; exit 1; }
	@echo "check-results: results/db restores and renders the committed reports unchanged"

clean: ## Remove build products (keeps data/)
	rm -rf .build

distclean: clean ## Remove build products and the downloaded data
	rm -rf "$(DATA_DIR)"
