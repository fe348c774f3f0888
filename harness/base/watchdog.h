/* watchdog.h - a CPU-time limit for code an instruction count cannot interrupt.
 *
 * The configuration sandbox counts Lua VM instructions (harness/lua/sandbox.c), but a single call
 * of a C function such as string.find with a backtracking pattern over a long string, or string.rep
 * filling a large buffer, runs without executing a VM instruction. While a script runs, this
 * watchdog ends the process after WATCHDOG_SECONDS of CPU time with one line on stderr and exit
 * code 2 (finalizers, which Lua runs with hooks off, are refused by the sandbox's setmetatable
 * instead):
 *
 *   lrlab: PATH: CPU time limit exceeded (expected a script that runs within 10 s, got one
 *   still running)
 *
 * Ending the process is the only safe way out of a C function; nothing has been written at
 * that point (the script runs before any output). CPU time (ITIMER_PROF, SIGPROF), not wall
 * time: a loaded machine does not shorten it, a script waiting on nothing cannot exist.
 * Not reentrant: one armed watchdog per process.
 *
 * At run time every call of a script's Lua function (sandbox_call of harness/lua/sandbox.h:
 * a scheduler's lr and observe) is watched the same way, for WATCHDOG_CALL_SECONDS of CPU
 * time per call: a backtracking string.find inside `lr` would otherwise hang its cell for
 * good. In the process
 * of a cell (run.c), the reason goes to memory its worker reads and the process exits with
 * WATCHDOG_EXIT_CALL, so that the cell is recorded as failed with that reason and the matrix
 * goes on; elsewhere it is one line on stderr and exit code 2, like a script's.
 */
#ifndef LRLAB_WATCHDOG_H
#define LRLAB_WATCHDOG_H

#include <stddef.h>

#define WATCHDOG_SECONDS 10
#define WATCHDOG_CALL_SECONDS 5
#define WATCHDOG_EXIT_CALL 3 /* exit code of a cell's process ended by the call watchdog */
#define WATCHDOG_STR_(x) #x
#define WATCHDOG_STR(x) WATCHDOG_STR_(x)
#define WATCHDOG_CALL_REASON                                                                       \
    "a Lua function of the script: CPU time limit exceeded (expected a call that returns "         \
    "within " WATCHDOG_STR(WATCHDOG_CALL_SECONDS) " s, got one still running)"

/* watchdog_arm: from now on, WATCHDOG_SECONDS of CPU time end the process with the message
 * above naming path. The previous SIGPROF handler is kept and put back by watchdog_disarm. */
void watchdog_arm(const char *path);
/* watchdog_disarm: stops the timer and restores the previous SIGPROF handler. */
void watchdog_disarm(void);

/* watchdog_call_report: from now on, a call watchdog that fires copies WATCHDOG_CALL_REASON
 * into buf (n bytes, NUL-terminated) and ends the process with WATCHDOG_EXIT_CALL. */
void watchdog_call_report(char *buf, size_t n);
/* watchdog_call_begin, watchdog_call_end: around one call of a Lua function at run time;
 * WATCHDOG_CALL_SECONDS of CPU time in between end the process (see above). */
void watchdog_call_begin(void);
void watchdog_call_end(void);

#endif
