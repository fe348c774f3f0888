/* sandbox.h - the restricted Lua 5.4 state experiment scripts run in, and the call that runs
 * a script's function during training (scheduler "lua", schedulers/lua.c).
 *
 * The state has the base, string, table and math libraries only (no io, os, require, debug,
 * dofile, loadfile, collectgarbage, coroutine, utf8; load takes text chunks only;
 * setmetatable refuses __gc), math.random seeded from the seed given, an allocator capped at
 * SANDBOX_MEM_LIMIT bytes and an instruction budget. C functions the count hook cannot stop
 * (string.find) are bounded by the CPU-time watchdog of harness/base/watchdog.h.
 * The Lua state is passed as void * so that users of this header need no Lua headers.
 */
#ifndef LRLAB_SANDBOX_H
#define LRLAB_SANDBOX_H

#include "harness/base/err.h"

#include <stddef.h>
#include <stdint.h>

#define SANDBOX_MEM_LIMIT ((size_t)256 << 20) /* bytes a script may allocate */
#define SANDBOX_MAX_COMPONENTS                                                                     \
    20000 /* constructor calls a script may make: their                                            \
           * memory is outside the allocator cap */

/* sandbox_new: a sandboxed lua_State, math.random seeded from seed; NULL when Lua cannot
 * create one. */
void *sandbox_new(uint64_t seed);
/* sandbox_close: closes the state and frees its limits; NULL is allowed. */
void sandbox_close(void *lua);
/* sandbox_run_file: runs the Lua text file at path under the script's instruction limit
 * (`what` names it in messages: "experiment script"); 0, or -1 with e set (EXIT_USAGE). */
int sandbox_run_file(void *lua, const char *path, const char *what, Err *e);
/* sandbox_count_component: counts one constructor call; -1 past SANDBOX_MAX_COMPONENTS. */
int sandbox_count_component(void *lua);
/* sandbox_call: lua_pcall of the function below its nargs arguments, with an instruction
 * budget and the watchdog; on error fills msg and returns -1. */
int sandbox_call(void *lua, int nargs, int nresults, long long budget, char *msg, size_t n);

#endif
