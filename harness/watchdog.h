/* watchdog.h - a CPU-time limit for code an instruction count cannot interrupt.
 *
 * The configuration sandbox counts Lua VM instructions (cfg.c), but a single call of a C
 * function such as string.find with a backtracking pattern over a long string, or
 * string.rep filling a large buffer, runs without executing a VM instruction. While a
 * script runs, this watchdog ends the process after WATCHDOG_SECONDS of CPU time with one
 * line on stderr and exit code 2 (finalizers, which Lua runs with hooks off, are refused by
 * the sandbox's setmetatable instead):
 *
 *   lrlab: PATH: CPU time limit exceeded (expected a script that runs within 10 s, got one
 *   still running)
 *
 * Ending the process is the only safe way out of a C function; nothing has been written at
 * that point (the script runs before any output). CPU time (ITIMER_PROF, SIGPROF), not wall
 * time: a loaded machine does not shorten it, a script waiting on nothing cannot exist.
 * Not reentrant: one armed watchdog per process.
 */
#ifndef LRLAB_WATCHDOG_H
#define LRLAB_WATCHDOG_H

#define WATCHDOG_SECONDS 10

/* watchdog_arm: from now on, WATCHDOG_SECONDS of CPU time end the process with the message
 * above naming path. The previous SIGPROF handler is kept and put back by watchdog_disarm. */
void watchdog_arm(const char *path);
/* watchdog_disarm: stops the timer and restores the previous SIGPROF handler. */
void watchdog_disarm(void);

#endif
