# The two commands: `make run` serves the bundled site, `make test` runs every test.
#
# `make test` builds and tests four CMake trees, one after the other, and fails at the end if any
# failed (the summary names them). One tree alone: make test-normal|test-fuzz|test-tsan|test-asan.
#   build/       g++ -O2: muxd, unit and integration tests, benchmarks       (make build)
#   build/fuzz   clang, libFuzzer + ASan + UBSan: the fuzz targets           (make fuzz)
#   build/tsan   g++ -O1, ThreadSanitizer: muxd, unit and integration tests  (make tsan)
#   build/asan   clang -O1, ASan + UBSan + LeakSanitizer: the same           (make asan)
# The sanitizer trees (-DMUXD_SANITIZE=thread|address, cmake/Sanitizers.cmake) leave bench/ out.
# ASan+UBSan uses clang, which compiles it about twice as fast as g++ does (measured: the largest
# files take 20 s instead of 40 s); for TSan both compilers take the same time.
# Their programs abort at the first sanitizer report (cmake/sanitizer_options.cpp), so a unit test
# fails, and so does an integration test whose muxd server reported (tests/integration/harness.py
# finds the report on the server's stderr, or the abnormal exit status, when it stops the server).
# Skipped in the sanitizer trees only (harness.skip_under_sanitizers, which reads MUXD_SANITIZE
# from the tree's CMakeCache.txt, or from the environment):
#   integration.http.test_limits PartialHeadMemoryTest (an RSS budget: sanitizer memory dwarfs it).
# ThreadSanitizer runs with address randomisation off (setarch -R) where that is allowed: the
# TSan of g++ 12 and clang 14 dies with "unexpected memory mapping" on kernels with
# vm.mmap_rnd_bits above 28.
BUILD      ?= build
FUZZ_BUILD ?= build/fuzz
TSAN_BUILD ?= build/tsan
ASAN_BUILD ?= build/asan
JOBS       ?= $(shell nproc)
ARGS       ?=
CTEST      = ctest --output-on-failure -j $(JOBS)
NO_ASLR    := $(shell setarch $$(uname -m) -R true >/dev/null 2>&1 && echo setarch $$(uname -m) -R)

.PHONY: all deps build run test test-normal test-fuzz test-tsan test-asan fuzz tsan asan bench c10k clean

all: build

deps:
	@scripts/deps.sh build

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/muxd http --listen 127.0.0.1:8080 $(ARGS)

$(FUZZ_BUILD)/build.ninja:
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DMUXD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++

fuzz: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

$(TSAN_BUILD)/build.ninja:
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DMUXD_SANITIZE=thread -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=g++

tsan: deps $(TSAN_BUILD)/build.ninja
	cmake --build $(TSAN_BUILD) -j $(JOBS)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DMUXD_SANITIZE=address -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

test:
	@scripts/deps.sh test
	@failed=; times=; \
	for tree in normal fuzz tsan asan; do \
	  start=$$(date +%s); \
	  $(MAKE) --no-print-directory test-$$tree || failed="$$failed $$tree"; \
	  times="$$times $$tree $$(( $$(date +%s) - start ))s"; \
	done; \
	echo "make test: build and test time per tree:$$times"; \
	if [ -n "$$failed" ]; then echo "make test: failures in:$$failed" >&2; exit 1; fi

test-normal:
	@scripts/deps.sh test
	$(MAKE) build
	$(CTEST) --test-dir $(BUILD)

test-fuzz:
	@scripts/deps.sh test
	$(MAKE) fuzz
	$(CTEST) --test-dir $(FUZZ_BUILD)

# Under TSan the HTTP suite runs for every model but iterative and fork, whose connections are
# served by one thread per process (they run in the normal and ASan trees).
TSAN_EXCLUDE = integration\.http-(iterative|fork)\.
test-tsan:
	@scripts/deps.sh test
	$(MAKE) tsan
	$(NO_ASLR) $(CTEST) --test-dir $(TSAN_BUILD) -E '$(TSAN_EXCLUDE)'

test-asan:
	@scripts/deps.sh test
	$(MAKE) asan
	$(CTEST) --test-dir $(ASAN_BUILD)

bench:
	@scripts/deps.sh bench
	$(MAKE) build
	bench/run_all.sh

# The C10K lab: every --model at 1 to 10,000 connections (about 5 minutes);
# the report goes to build/c10k/ and becomes the bundled site's lab page.
C10K_FLAGS ?= --duration 5
c10k: build
	$(BUILD)/muxd c10k --out $(BUILD)/c10k $(C10K_FLAGS)
	mkdir -p www/lab
	cp $(BUILD)/c10k/index.html $(BUILD)/c10k/c10k.svg $(BUILD)/c10k/results.csv www/lab/

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(TSAN_BUILD) $(ASAN_BUILD)
