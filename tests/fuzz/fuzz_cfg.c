/* fuzz_cfg.c - fuzz target: the configuration loader, cfg_load on the input as a script.
 *
 * The input is written to a scratch .lua file and loaded as an experiment script: the Lua
 * parser, the sandbox (limits, absent libraries, load, setmetatable) and every constructor's
 * validation run on it. A script that loads is also expanded into its plan, as lrlab run
 * does next (plan_build, plan_build_tuning). Everything is freed; errors are expected.
 */
#include "fuzz.h"

#include "harness/engine/plan.h"
#include "harness/lua/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file("script.lua", data, size);
    Experiment ex;
    Err e;
    if (cfg_load(path, 0, NULL, &ex, &e) != 0) return 0;
    Plan p = {0}, t = {0};
    if (plan_build(&ex, NULL, NULL, &p, &e) == 0) plan_free(&p);
    if (plan_build_tuning(&ex, &t, &e) == 0) plan_free(&t);
    cfg_free(&ex);
    return 0;
}
