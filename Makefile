# The two commands: `make run` serves the bundled site, `make test` runs every test.
BUILD      ?= build
FUZZ_BUILD ?= build/fuzz
JOBS       ?= $(shell nproc)
ARGS       ?=

.PHONY: all deps build run test unit fuzz bench clean

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

test:
	@scripts/deps.sh test
	$(MAKE) build fuzz
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS)

bench:
	@scripts/deps.sh bench
	$(MAKE) build
	bench/run_all.sh

clean:
	rm -rf $(BUILD)
