# Strato: the two commands are `make run` and `make test` (see README.md).

DEBIAN_PACKAGES := cmake ninja-build g++ ccache pkg-config \
  libcaf-dev libprotobuf-dev protobuf-compiler librocksdb-dev doctest-dev \
  libbenchmark-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev \
  libssl-dev libboost-dev clang libclang-rt-14-dev \
  openssl python3-openstackclient python3-openstacksdk \
  openvswitch-switch dnsmasq-base iptables udhcpc ethtool \
  libvirt-dev qemu-utils \
  python3-osc-placement gnuplot-nox

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
DATA_DIR ?= ./strato-data
LISTEN ?= 127.0.0.1:8080
CTEST_JOBS ?= 2
export CTEST_NO_TESTS_ACTION := error
export CCACHE_DIR ?= $(HOME)/.ccache
# Paths relative to the checkout, so that another clone (CI's) hits the cache.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true

.PHONY: all deps build build-asan run test test-unit test-asan bench clean

include tests/fuzz/fuzz.mk

all: build

# Installs only what is missing; a no-op (one dpkg-query) when all is there.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root to install packages" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR)

$(ASAN_DIR)/build.ninja:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DSTRATO_SANITIZERS=address,undefined -DSTRATO_UNIT_TESTS_ONLY=ON

build-asan: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR)

run: build
	$(BUILD_DIR)/bin/strato serve --data-dir $(DATA_DIR) --listen $(LISTEN)

test: build build-asan
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(CTEST_JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(CTEST_JOBS) -L unit
	$(MAKE) --no-print-directory fuzz

bench: build
	$(BUILD_DIR)/bin/strato-bench all

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
