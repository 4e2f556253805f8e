# libFuzzer runs: `make fuzz` builds the harnesses in tests/fuzz with clang
# (ASan + UBSan + libFuzzer) and runs each for FUZZ_SECONDS on a scratch copy
# of its seed corpus, failing on any crash, leak or sanitizer report.
# Include from the top-level Makefile, or run `make -f tests/fuzz/fuzz.mk fuzz`.

STRATO_FUZZ_SOURCE := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 20
FUZZ_JOBS ?= 2
FUZZERS ?= http_request json_body microversion_query

.PHONY: fuzz fuzz-build

$(FUZZ_DIR)/build.ninja:
	CC=clang CXX=clang++ cmake -S $(STRATO_FUZZ_SOURCE) -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATO_FUZZ=ON \
	  -DSTRATO_UNIT_TESTS_ONLY=ON -DSTRATO_BUILD_TESTS=OFF \
	  -DSTRATO_BUILD_BENCH=OFF

fuzz-build: $(FUZZ_DIR)/build.ninja
	cmake --build $(FUZZ_DIR) --target strato_fuzzers -j $(FUZZ_JOBS)

fuzz: fuzz-build
	$(STRATO_FUZZ_SOURCE)/tests/fuzz/run.sh $(FUZZ_DIR)/bin $(FUZZ_SECONDS) \
	  $(FUZZ_DIR)/fuzz-artifacts $(FUZZERS)
