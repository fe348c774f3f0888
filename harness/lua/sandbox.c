/* sandbox.c - the restricted Lua state that runs experiment scripts and the Lua functions of
 * their components (see sandbox.h).
 *
 * Follows the embedding recipe of lua.c in Lua 5.4 (protected call, message handler): an
 * allocator with a cap (lua_newstate's lua_Alloc, Lua 5.4 reference manual section 4.6) and a
 * count hook (lua_sethook, section 4.7) as the limits; the base, string, table and math
 * libraries only.
 */
#include "harness/lua/sandbox.h"

#include "harness/base/watchdog.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SANDBOX_INSN_LIMIT 200000000LL /* VM instructions a script may run */

/* ---- allocator cap and instruction limit ---- */

typedef struct {
    size_t used;
    long long insns;
    long long limit; /* instructions allowed from the last reset */
    int in_call;     /* 1 while a Lua function of a component runs during training */
    long components; /* constructor calls so far (SANDBOX_MAX_COMPONENTS) */
} Limits;

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    Limits *lim = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        lim->used -= old;
        return NULL;
    }
    if (nsize > old && lim->used + (nsize - old) > SANDBOX_MEM_LIMIT) return NULL;
    void *q = realloc(ptr, nsize);
    if (q) lim->used = lim->used - old + nsize;
    return q;
}

/* Past the limit the hook fires at every instruction, so a pcall in the script cannot
 * swallow the error and loop on: the first instruction outside it raises again. Level 0
 * is the script's function (a hook runs without a call frame of its own). */
static void count_hook(lua_State *L, lua_Debug *ar) {
    Limits *lim;
    lua_getallocf(L, (void **)&lim);
    lim->insns += 10000;
    if (lim->insns > lim->limit) {
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
        luaL_where(L, 0);
        if (lim->in_call)
            lua_pushfstring(L,
                            "instruction limit exceeded (expected a call that returns within "
                            "%I instructions, got one still running)",
                            (lua_Integer)lim->limit);
        else
            lua_pushfstring(L,
                            "instruction limit exceeded (expected a script that ends within "
                            "%I instructions, got one still running)",
                            (lua_Integer)lim->limit);
        lua_concat(L, 2);
        lua_error(L);
    }
}

int sandbox_call(void *lua, int nargs, int nresults, long long budget, char *msg, size_t n) {
    lua_State *L = lua;
    Limits *lim;
    lua_getallocf(L, (void **)&lim);
    lim->insns = 0;
    lim->limit = budget;
    lim->in_call = 1;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 10000);
    watchdog_call_begin(); /* C functions the count hook cannot stop (string.find) */
    int rc = lua_pcall(L, nargs, nresults, 0);
    watchdog_call_end();
    lua_sethook(L, NULL, 0, 0);
    lim->in_call = 0;
    if (rc != LUA_OK) {
        const char *m = lua_tostring(L, -1);
        snprintf(msg, n, "%s", rc == LUA_ERRMEM ? "memory limit exceeded" : m ? m : "error");
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

/* setmetatable without finalizers: Lua runs a __gc with hooks off (lgc.c, GCTM), beyond the
 * instruction limit, so a looping one would hang lrlab when the state is collected or
 * closed. Otherwise the base library's setmetatable. */
static int sandbox_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc not available in the configuration sandbox "
                                 "(expected a metatable without a finalizer, got one with __gc)");
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* load(chunk [, name [, mode [, env]]]) restricted to text chunks. */
static int sandbox_load(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *name = luaL_optstring(L, 2, "=(load)");
    if (n > 0 && s[0] == LUA_SIGNATURE[0]) {
        lua_pushnil(L);
        lua_pushliteral(L, "load: binary chunk refused (expected Lua source text, got "
                           "precompiled bytecode)");
        return 2;
    }
    if (luaL_loadbufferx(L, s, n, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnoneornil(L, 4)) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

/* __index of the globals: names of the standard library the sandbox leaves out raise
 * an error that says so at the script's line, rather than a bare "attempt to call a nil
 * value"; any other absent global reads as nil, as usual. */
static const char *const sandbox_absent[] = {"io",        "os",     "require",  "package",
                                             "debug",     "dofile", "loadfile", "collectgarbage",
                                             "coroutine", "utf8",   NULL};

static int absent_global(lua_State *L) {
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    for (int i = 0; k && sandbox_absent[i]; i++)
        if (strcmp(k, sandbox_absent[i]) == 0)
            return luaL_error(L,
                              "%s: not available in the configuration sandbox (expected "
                              "string, table, math or a base function without file access, "
                              "got %s)",
                              k, k);
    return 0;
}

/* open_libs: the four libraries, the absent ones named on use, load and setmetatable
 * restricted, string.dump removed, math.random seeded. */
static void open_libs(lua_State *L, uint64_t seed) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    lua_pop(L, 4);
    for (int i = 0; sandbox_absent[i]; i++) {
        lua_pushnil(L);
        lua_setglobal(L, sandbox_absent[i]);
    }
    lua_pushglobaltable(L);
    lua_newtable(L);
    lua_pushcfunction(L, absent_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    lua_pushcfunction(L, sandbox_load);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, sandbox_setmetatable);
    lua_setglobal(L, "setmetatable");
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    lua_getglobal(L, "math");
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, (lua_Integer)(seed & 0x7fffffffffffffffULL));
    lua_call(L, 1, 0);
    lua_pop(L, 1);
}

/* ---- the state ---- */

/* msg_handler: a script's error that is not a string says what it is instead. */
static int msg_handler(lua_State *L) {
    if (lua_type(L, 1) != LUA_TSTRING) {
        lua_pushfstring(L, "error object is a %s value (expected a string)", luaL_typename(L, 1));
    }
    return 1;
}

void sandbox_close(void *lua) {
    if (!lua) return;
    lua_State *L = lua;
    void *lim;
    lua_getallocf(L, &lim);
    lua_close(L);
    free(lim);
}

void *sandbox_new(uint64_t seed) {
    Limits *lim = xcalloc(1, sizeof *lim);
    lim->limit = SANDBOX_INSN_LIMIT;
    lua_State *L = lua_newstate(limited_alloc, lim);
    if (!L) {
        free(lim);
        return NULL;
    }
    open_libs(L, seed);
    return L;
}

int sandbox_count_component(void *lua) {
    Limits *lim;
    lua_getallocf(lua, (void **)&lim);
    return ++lim->components > SANDBOX_MAX_COMPONENTS ? -1 : 0;
}

/* ---- running a script ---- */

int sandbox_run_file(void *lua, const char *path, const char *what, Err *e) {
    lua_State *L = lua;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, EXIT_USAGE, path,
                       "cannot open %s (expected a readable .lua file, got "
                       "%s)",
                       what, strerror(errno));
    fclose(f);
    lua_pushcfunction(L, msg_handler);
    int rc = luaL_loadfilex(L, path, "t");
    if (rc == LUA_OK) {
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 10000);
        watchdog_arm(path); /* C functions the count hook cannot stop (string.find) */
        rc = lua_pcall(L, 0, 0, -2);
        watchdog_disarm();
        lua_sethook(L, NULL, 0, 0);
    }
    if (rc != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (rc == LUA_ERRMEM)
            err_set(e, EXIT_USAGE, path,
                    "memory limit exceeded (expected a script within %zu MB, "
                    "got one asking for more)",
                    SANDBOX_MEM_LIMIT >> 20);
        else if (rc == LUA_ERRFILE) { /* "cannot read PATH: REASON", e.g. a folder */
            const char *why = msg ? strrchr(msg, ':') : NULL;
            why = why ? why + 1 + (why[1] == ' ') : "an unreadable file";
            err_set(e, EXIT_USAGE, path, "cannot read %s (expected a readable .lua file, got %s)",
                    what, why);
        } else if (msg && strncmp(msg, path, strlen(path)) == 0)
            err_set(e, EXIT_USAGE, NULL, "%s", msg);
        else err_set(e, EXIT_USAGE, path, "%s", msg ? msg : "error");
        return -1;
    }
    lua_pop(L, 1);
    return 0;
}
