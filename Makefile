SHELL := /bin/bash
# sixxsd — see README.md. `make` builds ./sixxsd; `make check` runs every test
# under AddressSanitizer + UndefinedBehaviorSanitizer.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PYTHON ?= python3

GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
BUILD_INFO := SixXSd 4.0 2015.10.12/$(GIT_REV) ($(shell $(CC) -dumpfullversion 2>/dev/null || echo cc))

WARN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
CPPFLAGS += -Iinclude -DSIXXSD_BUILD='"$(BUILD_INFO)"'
CFLAGS ?= -O2 -g
LDLIBS := -lcrypto -lpthread
SAN := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

SRC := $(wildcard src/*.c)
LIB_SRC := $(filter-out src/main.c,$(SRC))
HDR := $(wildcard include/*.h)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

REL_OBJ := $(patsubst src/%.c,build/rel/%.o,$(SRC))
SAN_OBJ := $(patsubst src/%.c,build/san/%.o,$(SRC))
SAN_LIB_OBJ := $(patsubst src/%.c,build/san/%.o,$(LIB_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,build/san/unit/%,$(UNIT_SRC))

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SAN := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC))

.PHONY: all check unit e2e misc-test run bench fuzz install clean deps qemu-guest
.SECONDARY:

all: sixxsd

include tests/tools/Makefile.inc
include tests/tools/ayiya.mk

sixxsd: $(REL_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/rel/%.o: src/%.c $(HDR) | build/rel
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/san/sixxsd: $(SAN_OBJ)
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

build/san/%.o: src/%.c $(HDR) | build/san
	$(CC) $(WARN) $(CPPFLAGS) $(SAN) -c -o $@ $<

build/san/unit/%: tests/unit/%.c $(SAN_LIB_OBJ) $(HDR) $(wildcard tests/unit/*.h) | build/san/unit
	$(CC) $(WARN) $(CPPFLAGS) $(SAN) -o $@ $< $(SAN_LIB_OBJ) $(LDLIBS) -lcmocka

build/fuzz/obj/%.o: src/%.c $(HDR) | build/fuzz/obj
	$(FUZZ_CC) $(WARN) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_OBJ) | build/fuzz/obj
	$(FUZZ_CC) $(WARN) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(LDLIBS)

# Each libFuzzer target for FUZZ_SECONDS, from a scratch copy of the seeds.
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		d=$$(mktemp -d); cp tests/fuzz/corpus/* $$d/; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65535 -print_final_stats=1 $$d 2>&1 | tail -4; \
		rc=$${PIPESTATUS[0]}; rm -rf $$d; [ $$rc -eq 0 ] || exit $$rc; \
	done

build/rel build/san build/san/unit build/fuzz/obj:
	mkdir -p $@

deps:
	@misc/deps

# Every test, sanitized: unit, the Nagios plugin, end to end, and a short
# run of every fuzzer (make fuzz runs them longer).
check: deps
	$(MAKE) --no-print-directory unit misc-test e2e
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do echo "== $$t"; $$t || fail=1; done; exit $$fail

misc-test:
	$(PYTHON) -m unittest tests/misc/test_check_sixxsd.py tests/misc/test_install.py \
		tests/misc/test_packaging.py

e2e: build/san/sixxsd tools ayiya-tools qemu-guest
	SIXXSD=build/san/sixxsd bash tests/e2e/run.sh

# The QEMU guest (Debian's kernel, busybox) is fetched and built here, in
# the host's network namespace: the tests run where there is no network.
qemu-guest:
	bash tests/e2e/qemu/build.sh

run: deps sixxsd
	mkdir -p build/run
	cp sixxsd.conf.example build/run/sixxsd.conf
	cd build/run && ../../sixxsd -f -c sixxsd.conf

bench: deps sixxsd tools ayiya-tools
	bash tests/bench/run.sh

# The unit and the man page name the default prefix (/usr/local); their
# installed copies name $(PREFIX) instead (the unit on its Exec lines only).
install: sixxsd
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib/nagios/plugins \
		$(DESTDIR)$(PREFIX)/share/doc/sixxsd $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 0755 sixxsd $(DESTDIR)$(PREFIX)/sbin/sixxsd
	install -m 0755 misc/check_sixxsd $(DESTDIR)$(PREFIX)/lib/nagios/plugins/check_sixxsd
	install -m 0644 sixxsd.conf.example $(DESTDIR)$(PREFIX)/share/doc/sixxsd/sixxsd.conf.example
	sed -e 's|/usr/local/|$(PREFIX)/|g' misc/sixxsd.8 > $(DESTDIR)$(PREFIX)/share/man/man8/sixxsd.8
	chmod 0644 $(DESTDIR)$(PREFIX)/share/man/man8/sixxsd.8
	sed -e '/^Exec/s|/usr/local/sbin/|$(PREFIX)/sbin/|g' misc/sixxsd.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/sixxsd.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/sixxsd.service

clean:
	rm -rf build sixxsd
