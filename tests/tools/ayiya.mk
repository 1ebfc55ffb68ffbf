# tests/tools/ayiya.mk — AYIYA / heartbeat test clients and the AYIYA load
# generator.  Included by the top-level Makefile (which runs with cwd =
# repository top); also usable on its own:
#   make -f tests/tools/ayiya.mk ayiya-tools
#
#   build/tools/sxayiya    AYIYA client like AICCU (tests/tools/sxayiya.c)
#   build/tools/sxhb       heartbeat sender        (tests/tools/sxhb.c)
#   build/tools/ayiyagen   AYIYA load generator    (tests/bench/ayiyagen.c)
#
# All variables are prefixed AYT_ so nothing clashes with the including
# Makefile or tests/tools/Makefile.inc.  No directory target is defined
# (Makefile.inc has one for build/tools): each recipe makes its own.

CC ?= cc
# Keep the including Makefile's default goal.
AYT_PREV_GOAL := $(.DEFAULT_GOAL)
AYT_INCLUDED := $(filter-out 1,$(words $(MAKEFILE_LIST)))
AYT_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
AYT_BENCH_SRC := $(patsubst %/,%,$(dir $(AYT_SRC)))/bench
AYT_OUT ?= build/tools
AYT_CFLAGS ?= -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
AYT_LDLIBS ?= -lcrypto -pthread
AYT_BIN := $(AYT_OUT)/sxayiya $(AYT_OUT)/sxhb $(AYT_OUT)/ayiyagen

.PHONY: ayiya-tools ayiya-tools-clean ayiya-selftest

ayiya-tools: $(AYT_BIN)

$(AYT_OUT)/sxayiya: $(AYT_SRC)/sxayiya.c
	@mkdir -p $(@D)
	$(CC) $(AYT_CFLAGS) -o $@ $< $(AYT_LDLIBS)

$(AYT_OUT)/sxhb: $(AYT_SRC)/sxhb.c
	@mkdir -p $(@D)
	$(CC) $(AYT_CFLAGS) -o $@ $< $(AYT_LDLIBS)

$(AYT_OUT)/ayiyagen: $(AYT_BENCH_SRC)/ayiyagen.c
	@mkdir -p $(@D)
	$(CC) $(AYT_CFLAGS) -o $@ $< $(AYT_LDLIBS)

# Needs root (network namespaces, tun); see the script's header.
ayiya-selftest: $(AYT_BIN)
	AYT_BIN=$(AYT_OUT) AYT_NOBUILD=1 bash $(AYT_SRC)/ayiya_selftest.sh

ayiya-tools-clean:
	rm -f $(AYT_BIN)

ifneq ($(AYT_INCLUDED),)
.DEFAULT_GOAL := $(AYT_PREV_GOAL)
endif
