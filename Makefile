# One verb per target. Every target installs what it needs into .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REDOCLY := npx --yes @redocly/cli@2.77.0

.PHONY: install browser redis serve test test-pythons test-install test-contract test-polite attack check check-native lint-spec fuzz fuzz-volume soak bench image-tools image image-test

# The record writer, the band check, the column draws and the embedded store's id counter have C speed-ups
# (mockserver/core/_pages.c, mockserver/core/_bands.c, mockserver/core/_splitmix.c, mockserver/core/_words.c, compiled
# by hatch_build.py): development and CI run them, so a compiler and Python's headers are installed. The exact versions
# are requirements.lock's.
$(STAMP): pyproject.toml requirements.lock hatch_build.py mockserver/core/_pages.c mockserver/core/_bands.c mockserver/core/_splitmix.c mockserver/core/splitmix64.h mockserver/core/_words.c \
  mockserver/core/kernels.py mockserver/core/sequences.py mockserver/core/fields.py $(wildcard mockserver/apis/fields/*.py)
	command -v cc >/dev/null || (apt-get update -qq && apt-get install -y -qq gcc libc6-dev)
	$(PYTHON) -c 'import pathlib, sys, sysconfig; sys.exit(not pathlib.Path(sysconfig.get_paths()["include"], "Python.h").exists())' \
	  || (apt-get update -qq && apt-get install -y -qq python3-dev)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# make serve PORT=9001 SERVE_ARGS="--seed 7 --count 2000"
serve: install
	$(BIN)/mockserver serve $(if $(PORT),--port $(PORT)) $(SERVE_ARGS)

# Debian's Chromium for tests/server/test_browser.py (Playwright drives it; its own browser download is never used).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# Debian's redis-server for the Redis store's tests (tests/server/test_shared_state*.py start it on a loopback port).
redis:
	command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)

# Then the store's and the queries' tests again on the Python twins of the C modules (MOCKSERVER_PURE=1), as a
# package installed without a compiler runs; tests/server/test_twins.py compares both in one process.
PURE_TESTS := tests/core/test_store.py tests/apis/test_datasets.py tests/apis/test_draw_streams.py tests/server/test_semantics.py
# The suite spreads over the machine's cores (pytest-xdist; JOBS=1 runs it in one process).
JOBS ?= auto
test: install browser redis
	$(BIN)/pytest -n $(JOBS)
	MOCKSERVER_PURE=1 $(BIN)/pytest -q $(PURE_TESTS)

# The representative subset (core, apis, the twins against the C, a server process, a contract smoke) on 3.12 with the
# lowest versions pyproject.toml allows (requirements-lowest.txt) and on 3.13 with the lock, each in a venv made here
# from pyenv's Python (.venvs/, editable: the C is compiled for each Python); each must pass as many tests as 3.11
# collects (`make test` runs them there).
PYTHONS ?= 3.12:requirements-lowest.txt 3.13:requirements.lock
SUBSET := tests/core tests/apis/test_tables.py tests/apis/test_datasets.py tests/server/test_twins.py tests/packaging \
  tests/server/test_server_process.py::test_mockserver_pure_serves_the_same_bytes_on_the_python_twins_and_says_so \
  tests/contract/test_pytest_plugin.py::test_the_plugin_writes_the_reports_asked_for
test-pythons: install
	@set -e; expected="$$($(BIN)/pytest --collect-only -q $(SUBSET) | tail -1 | cut -d' ' -f1) passed"; \
	for entry in $(PYTHONS); do version=$${entry%%:*}; pins=$${entry#*:}; bin=.venvs/py$$version/bin; \
	  test -x $$bin/python || "$$(pyenv prefix $$version)/bin/python" -m venv .venvs/py$$version; \
	  $$bin/python -m pip install --quiet -c $$pins -e '.[dev]'; \
	  summary=$$($$bin/python -m pytest -q $(SUBSET) | tail -1); echo "python $$version ($$pins): $$summary"; \
	  [ "$${summary%% in *}" = "$$expected" ] || { echo "test-pythons: $$expected expected on $$version"; exit 1; }; \
	done

# The package as users install it: `python -m build` (an sdist and a wheel), the sdist installed with no working
# compiler beside a user's own pytest and Hypothesis, the wheel with its C, each into a fresh venv; both serve the
# same bytes over a few thousand requests of both APIs (tests/install).
test-install: install
	MOCKSERVER_INSTALL_TEST=1 $(BIN)/pytest -q tests/install

# The whole broken-server catalogue with the tester's default settings, seeds 1, 2 and 3 (make test runs seed 1
# with a small budget), and the production-like deployments (tests/deployments) at the default budget too.
test-contract: install
	CONTRACT_FULL=1 $(BIN)/pytest -n $(JOBS) tests/contract/test_broken_servers.py tests/contract/test_deployments.py

# The contract tester at full scale against deployments behind a gateway (tests/contract/polite): seconds of
# Retry-After, 30-120 ms answers, the default example budget (make test runs the same behaviours scaled down).
test-polite: install
	POLITE_FULL=1 $(BIN)/pytest tests/contract/polite -q -s

# The attack suite (tests/attack): each way one client could exhaust the mock, at full scale, against a real server
# process; asserts bounds (RSS, other clients answered, a prompt stop) and prints the figures. 1,100 connections
# need more file descriptors than the default soft limit.
attack: install
	ulimit -n 8192 && ATTACK=1 $(BIN)/pytest tests/attack -q

# Lint, format, types and the layer contracts of ARCHITECTURE.md (import-linter).
# The container image, built with podman (from a local Debian 12 base when no registry answers), then tested:
# two replicas on loopback ports serve identical bytes, as a non-root user, stop promptly; fuzz from the host passes.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
IMAGE ?= mockserver:$(VERSION)
export CONTAINERS_CONF := $(CURDIR)/deploy/podman/containers.conf

image-tools:
	command -v podman >/dev/null && command -v runc >/dev/null && command -v debootstrap >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq podman runc debootstrap)

image: image-tools
	deploy/podman/build-image.sh $(IMAGE)

image-test: install image
	MOCKSERVER_IMAGE=$(IMAGE) MOCKSERVER_REDIS_IMAGE=$(subst :,-redis:,$(IMAGE)) $(BIN)/pytest tests/image
	@podman image inspect --format 'image $(IMAGE): {{.Size}} bytes' $(IMAGE)

check: install lint-spec
	$(BIN)/ruff check mockserver tests bench hatch_build.py
	$(BIN)/ruff format --check mockserver tests bench hatch_build.py
	$(BIN)/mypy
	$(BIN)/mypy -p bench
	$(BIN)/lint-imports

# The C modules under AddressSanitizer and UndefinedBehaviorSanitizer (no -fwrapv: a signed overflow is an error),
# built into a scratch directory (never the tree's .so files) with the kernels of the shipped tables and of the test
# tables (tests/native/kernels), then their tests and a Hypothesis fuzz of every entry point against its Python twin
# (tests/native) on that build: tests.native.sanitized imports the four from there.
# Python is not built with ASan, so its runtime is preloaded; leaks are not checked (the interpreter's own). What the C
# writes to and reads in bulk (numpy arrays, pages, contexts, packed pools) is malloc's, which ASan watches; Python's
# small objects are pymalloc's unless NATIVE_PYTHONMALLOC=malloc (about 1.5 min -> 4 min on 2 cores).
NATIVE_PYTHONMALLOC ?= pymalloc
NATIVE_BUILD := build/sanitized
NATIVE_CFLAGS := -std=c11 -Wall -Werror -O1 -g -fno-omit-frame-pointer -fPIC -shared \
  -fsanitize=address,undefined -fno-sanitize-recover=undefined
NATIVE_TESTS := tests/native tests/core/test_bands.py tests/core/test_draws.py tests/core/test_words.py tests/apis/test_page_render.py
check-native: install
	rm -rf $(NATIVE_BUILD)
	$(BIN)/python -m mockserver.core.kernels $(NATIVE_BUILD)/generated/_pages_kernels.h mockserver.apis.fields tests.native.kernels
	@set -e; include=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])'); \
	suffix=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))'); \
	for module in core/_pages core/_bands core/_splitmix core/_words; do \
	  mkdir -p $(NATIVE_BUILD)/$$(dirname $$module); \
	  echo "cc $(NATIVE_CFLAGS) mockserver/$$module.c"; \
	  $(CC) $(NATIVE_CFLAGS) -I$$include -I$(NATIVE_BUILD)/generated mockserver/$$module.c -o $(NATIVE_BUILD)/$$module$$suffix; done
	LD_PRELOAD=$$($(CC) -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1 PYTHONMALLOC=$(NATIVE_PYTHONMALLOC) NATIVE_BUILD=$(NATIVE_BUILD) \
	  $(BIN)/python -m pytest -p tests.native.sanitized -p no:cacheprovider --capture=sys -q $(NATIVE_TESTS)

lint-spec:
	$(REDOCLY) lint --config redocly.yaml spec/interventions.yaml spec/events.yaml spec/admin.yaml

fuzz: install
	$(BIN)/mockserver fuzz --api events --target http://127.0.0.1:8000
	$(BIN)/mockserver fuzz --api interventions --target http://127.0.0.1:8000/main

# Negative and positive fuzzing at volume: Schemathesis (--mode all) against a mock started on a free loopback port.
FUZZ_EXAMPLES ?= 3000
FUZZ_SEED ?= 1
fuzz-volume: install
	@set -e; log=$$(mktemp); \
	$(BIN)/mockserver serve --host 127.0.0.1 --port 0 >$$log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null || true; wait $$pid 2>/dev/null || true; rm -f $$log' EXIT; \
	base=; for i in $$(seq 300); do \
	  base=$$(sed -n 's|^mockserver on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' $$log); \
	  [ -n "$$base" ] && $(BIN)/python -c "import urllib.request as u; u.urlopen('$$base/healthz', timeout=1)" \
	    2>/dev/null && break; base=; sleep 0.1; done; \
	[ -n "$$base" ] || { cat $$log; exit 1; }; \
	token=$$($(BIN)/mockserver token); \
	out=$$log.st; for api in events:$$base interventions:$$base/main; do \
	  echo "== $${api%%:*}: --mode all --max-examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED)"; rc=0; \
	  $(BIN)/st run spec/$${api%%:*}.yaml --url "$${api#*:}" -H "Authorization: Bearer $$token" --mode all \
	    --max-examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED) --generation-database none --continue-on-failure \
	    --no-color >$$out 2>&1 || rc=$$?; \
	  [ $$rc = 0 ] || { cat $$out; rm -f $$out; exit 1; }; \
	  grep -E ' generated, |issues found' $$out; done; rm -f $$out; \
	if grep -n -E 'Traceback|ERROR' $$log; then echo "server errors in the mock's log"; exit 1; fi; \
	echo "fuzz-volume: no failures, no server errors"

# Soak: concurrent clients on both APIs of a mock on a free loopback port; bounded in time and request count.
SOAK_SECONDS ?= 180
SOAK_CLIENTS ?= 8
soak: install
	$(BIN)/python bench/soak.py --duration $(SOAK_SECONDS) --clients $(SOAK_CLIENTS)

# Benchmarks are never part of `make test`. BENCH_SECONDS and BENCH_RUNS shorten a run.
bench: install redis
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq default-jre-headless)
	cd bench && npm ci --silent --no-audit --no-fund
	$(BIN)/python -m bench.render
	$(BIN)/python -m bench.twins
	$(BIN)/python -m bench.journal --control --out bench/journal.json
	$(BIN)/python -m bench.run --journal bench/journal.json
	$(BIN)/python -m bench.seed_build
	$(BIN)/python -m bench.state
