/*
 * A control for the leak gates of run.sh: it loses decision buffers on
 * purpose, so valgrind and LeakSanitizer MUST report it. If they do not,
 * the gates are not working and the other runs prove nothing about leaks.
 */
#include <stdint.h>

#include "unicors.h"

static volatile uintptr_t sink;

/* Not inlined, and the pointer overwritten, so no stack slot keeps it. */
__attribute__((noinline)) static void lose(void)
{
    sink = (uintptr_t)unicors_decision_new() ^ 1u;
    sink = 0;
}

int main(void)
{
    for (int i = 0; i < 4; i++) {
        lose();
    }
    return 0;
}
