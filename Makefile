# Quick start: `make demo` (set up and build the demo site), then `make test`.
VENV := .venv/bin
JOBS ?=

.PHONY: setup demo build test test-fast bench check fmt-check serve clean

setup:
	bash scripts/setup.sh

demo: setup build

build:
	$(VENV)/guides build $(if $(JOBS),--jobs $(JOBS))

check:
	$(VENV)/guides check

fmt-check:
	$(VENV)/guides fmt --check

serve:
	$(VENV)/guides serve

test:
	$(VENV)/python -m pytest -q

test-fast:
	$(VENV)/python -m pytest -q -m "not browser"

bench:
	$(VENV)/python site_tests/bench.py --matters $(or $(N),40)

clean:
	rm -rf site .cache
