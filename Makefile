# rnnc: `make` builds build/rnnc; `make test` runs every test; `make deps` installs tools.
ROOT    := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD   ?= $(ROOT)/build
PREFIX  ?= /usr/local
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SAN     ?=
RNNC_DATADIR ?= $(ROOT)
DEFS    = -DRNNC_DATADIR='"$(RNNC_DATADIR)"' 
LIBS    := -lcjson -lm

SRCS := $(wildcard $(ROOT)/compiler/*.c)
OBJS := $(patsubst $(ROOT)/compiler/%.c,$(BUILD)/obj/%.o,$(SRCS))

.PHONY: all deps test test-unit test-rtl test-errors test-e2e test-asan install clean lint-rtl

all: $(BUILD)/rnnc

$(BUILD)/obj/%.o: $(ROOT)/compiler/%.c $(ROOT)/compiler/rnnc.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(DEFS) -c $< -o $@

$(BUILD)/rnnc: $(OBJS)
	$(CC) $(CFLAGS) $(SAN) $(OBJS) $(LIBS) -o $@

deps:
	$(ROOT)/tools/install-deps.sh

clean:
	rm -rf $(BUILD)
