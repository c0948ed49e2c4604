# Shortcuts; the scripts are the source of truth.
.PHONY: build test format format-check run

build:
	cmake --preset release && cmake --build --preset release -j$$(nproc)

test:
	bash scripts/test.sh

format:
	bash scripts/format.sh

format-check:
	bash scripts/format.sh --check

run:
	bash scripts/setup.sh
