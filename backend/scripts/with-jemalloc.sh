#!/bin/sh
# Runs a command with jemalloc as its malloc when this system has it (Debian/Ubuntu: libjemalloc2;
# the image installs it), and as it is otherwise, silently. `npm start` and the image's CMD run the
# backend through it; `npm run bench` measures the backend the same way.
#
# Why: under glibc's malloc every libuv thread that has hashed keeps its argon2 block
# (ARGON2_MEMORY_KIB) for the life of the process, ~20 MiB each at the default cost. jemalloc reuses
# a block while sign-ins keep coming and hands it back to the kernel ~10 s after the last one (its
# dirty-page decay; background_thread:true runs the purge on time instead of waiting for the next
# allocation in that arena). oversize_threshold:0 keeps those blocks in the hashing thread's own
# arena: by default jemalloc returns allocations over 8 MiB on every free, and faulting 19 MiB in
# again for each hash cost a fifth of the sign-ins a second. The price of handing blocks back: the
# first sign-in after ~10 s without one faults its block in again (+~50 ms on the bench's VM, where
# a page fault costs ~11 µs; glibc never pays it). MALLOC_CONF=dirty_decay_ms:60000 keeps blocks
# over longer gaps (after 15 s a sign-in took what it takes on glibc); LD_PRELOAD= keeps them for
# good. Measurements: BENCHMARKS.md.
#
# Opting out: set LD_PRELOAD yourself (empty for none). A MALLOC_CONF of your own is applied after
# these options, so it wins where they overlap. JEMALLOC_LIBRARY names another build (a path, or a
# name the dynamic loader finds).
JEMALLOC=${JEMALLOC_LIBRARY:-libjemalloc.so.2}
JEMALLOC_CONF=background_thread:true,oversize_threshold:0

# The dynamic loader says on stderr when it cannot preload a library; an empty answer means it can.
if [ -z "${LD_PRELOAD+set}" ] && [ -z "$(LD_PRELOAD=$JEMALLOC sh -c : 2>&1)" ]; then
  LD_PRELOAD=$JEMALLOC
  MALLOC_CONF=$JEMALLOC_CONF${MALLOC_CONF:+,$MALLOC_CONF}
  export LD_PRELOAD MALLOC_CONF
fi
exec "$@"
