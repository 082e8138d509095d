/* SplitMix64's finaliser: the one C definition of the hash every generated value comes from (included by
 * core/_splitmix.c, the column draws, and core/_pages.c, the native record writer). Its Python twin is
 * ``mockserver.core.splitmix.mix64``, with the same constants; tests/core/test_draws.py holds them equal. */
#ifndef MOCKSERVER_SPLITMIX64_H
#define MOCKSERVER_SPLITMIX64_H
#include <stdint.h>

static inline uint64_t mix64(uint64_t z) {
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

#endif
