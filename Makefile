# rnnc: `make` builds build/rnnc; `make test` runs every test; `make deps` installs tools.
ROOT    := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD   ?= $(ROOT)/build
PREFIX  ?= /usr/local
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SAN     ?=
HOOKS   ?=
RNNC_DATADIR ?= $(ROOT)
DEFS    = -DRNNC_DATADIR='"$(RNNC_DATADIR)"' 
LIBS    := -lcjson -lm
# Keras import (compiler/keras.c): HDF5 (Debian: the serial flavour) and libzip.
HDF5_CFLAGS := $(shell pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS   := $(shell pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
DEFS    += $(HDF5_CFLAGS)
LIBS    += $(HDF5_LIBS) $(shell pkg-config --libs libzip 2>/dev/null || echo -lzip)
# hls4ml's project YAML (compiler/yaml.c): libyaml
LIBS    += $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)

SRCS := $(wildcard $(ROOT)/compiler/*.c)
OBJS := $(patsubst $(ROOT)/compiler/%.c,$(BUILD)/obj/%.o,$(SRCS))
# ONNX import (compiler/onnx.c): libprotobuf-c; protoc-c generates the C of the schema subset
# compiler/onnx.proto into $(BUILD)/onnx at build time.
PROTOC_C ?= protoc-c
LIBS    += -lprotobuf-c
DEFS    += -I$(BUILD)/onnx
OBJS    += $(BUILD)/obj/onnx.pb-c.o

.PHONY: all deps test test-unit test-rtl test-errors test-e2e test-keras test-hls4ml formal asan hooks fuzz install clean

all: $(BUILD)/rnnc

$(BUILD)/obj/%.o: $(ROOT)/compiler/%.c $(ROOT)/compiler/rnnc.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(HOOKS) $(DEFS) -c $< -o $@

$(BUILD)/onnx/onnx.pb-c.c: $(ROOT)/compiler/onnx.proto
	@mkdir -p $(dir $@)
	$(PROTOC_C) --c_out=$(BUILD)/onnx --proto_path=$(ROOT)/compiler $<
$(BUILD)/onnx/onnx.pb-c.h: $(BUILD)/onnx/onnx.pb-c.c
$(BUILD)/obj/onnx.pb-c.o: $(BUILD)/onnx/onnx.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(DEFS) -c $< -o $@
$(BUILD)/obj/onnx.o: $(BUILD)/onnx/onnx.pb-c.h

$(BUILD)/rnnc: $(OBJS)
	$(CC) $(CFLAGS) $(SAN) $(OBJS) $(LIBS) -o $@

deps:
	$(ROOT)/tools/install-deps.sh

# Every suite; each prints "NAME: N passed, M failed", the runner adds them up.
test: all
	$(ROOT)/tests/run_all.sh

test-unit:
	$(ROOT)/tests/unit/run.sh
test-rtl:
	$(ROOT)/tests/rtl/run.sh
test-errors: all
	$(ROOT)/tests/errors/run.sh
test-e2e: all
	$(ROOT)/tests/e2e/run.sh
test-keras: all
	$(ROOT)/tests/keras/run.sh
test-hls4ml: all
	$(ROOT)/tests/hls4ml/run.sh
# Formal proofs of rtl_lib's handshake/control modules and of emitted tops (docs/formal.md).
formal: all
	$(ROOT)/tests/formal/run.sh

# The compiler built with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) -f $(ROOT)/Makefile BUILD=$(BUILD)/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

# The compiler with its test hooks (RNNC_TEST_CHILD_FAULT, RNNC_TEST_READ_SECONDS: tests/limits).
hooks:
	$(MAKE) -f $(ROOT)/Makefile BUILD=$(BUILD)/hooks CFLAGS="-O1 -g" HOOKS=-DRNNC_TEST_HOOKS

# AFL++ over every input format, FUZZ_SECONDS (default 60) each: tools/fuzz.sh.
fuzz:
	$(ROOT)/tools/fuzz.sh $(FUZZ_FORMATS)

install:
	$(MAKE) -f $(ROOT)/Makefile BUILD=$(BUILD)/install RNNC_DATADIR=$(PREFIX)/share/rnnc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/rnnc/rtl_lib $(DESTDIR)$(PREFIX)/share/rnnc/constraints
	install -m 755 $(BUILD)/install/rnnc $(DESTDIR)$(PREFIX)/bin/rnnc
	install -m 644 $(ROOT)/rtl_lib/*.v $(DESTDIR)$(PREFIX)/share/rnnc/rtl_lib/
	install -m 644 $(ROOT)/constraints/*.pcf $(ROOT)/constraints/*.lpf $(DESTDIR)$(PREFIX)/share/rnnc/constraints/

clean:
	rm -rf $(BUILD)
