# asyncc.mk - Make rules for C programs written with asyncc's `async` and `await`.
#
#     include $(shell pkg-config --variable=makefile asyncc)
#     CPPFLAGS += $(ASYNCC_CFLAGS)
#     LDLIBS += $(ASYNCC_LIBS)
#     prog: prog.gen.o other.o
#     -include prog.gen.c.d
#
# Each annotated source x.c is transformed into x.gen.c, beside it (so that its
# quoted includes find the same headers), which is compiled instead of it. asyncc
# parses x.c with $(CPPFLAGS), as the compiler would, and writes the depfile
# x.gen.c.d listing every header x.c includes, each with an empty rule of its own:
# include the depfiles, and x.gen.c is made again when x.c, one of those headers or
# asyncc changes, while a deleted header does not stop the build.

ASYNCC ?= $(shell pkg-config --variable=asyncc asyncc)
ASYNCC_CFLAGS ?= $(shell pkg-config --cflags asyncc)
ASYNCC_LIBS ?= $(shell pkg-config --libs asyncc)

%.gen.c: %.c $(ASYNCC)
	$(ASYNCC) $< -o $@ --depfile $@.d -- $(CPPFLAGS)

# Keep the generated files for reading (make deletes intermediate files otherwise).
.PRECIOUS: %.gen.c
