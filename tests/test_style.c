/* test_style.c - properties of the schedulers' line styles (harness/analysis/style.h):
 *  - every registry scheduler (schedulers/sched.c) and every label the project's scripts
 *    give one (scripts/paper.lua, scripts/study2.lua) has a style of the table;
 *  - the schedulers of results/paper's study are told apart: no two share colour and dash;
 *  - GreedyLR alone is black, and the thickest; a label outside the table is never black,
 *    gets the same style every time, and a well-formed #rrggbb colour and dash type 1-5;
 *  - style_line writes "lc rgb '#rrggbb' dt N lw W".
 */
#include "check.h"
#include "harness/analysis/style.h"
#include "schedulers/sched.h"

#include <stdio.h>
#include <string.h>

static const char *const study[] = {
    "greedy",   "constant",    "constant-warmup", "linear",   "cosine",  "polynomial",
    "step",     "exponential", "cosine-restarts", "onecycle", "plateau", "hd-group",
    "hd-param", "sls"};
#define NSTUDY (int)(sizeof study / sizeof study[0])

static int well_formed(Style st) {
    if (strlen(st.rgb) != 7 || st.rgb[0] != '#') return 0;
    for (int i = 1; i < 7; i++)
        if (!strchr("0123456789ABCDEFabcdef", st.rgb[i])) return 0;
    return st.dt >= 1 && st.dt <= 5 && st.lw > 0;
}

int main(void) {
    for (int i = 0; sched_registry[i]; i++) {
        CHECK(style_in_table(sched_registry[i]->name));
        CHECK(well_formed(style_of(sched_registry[i]->name)));
    }
    for (int i = 0; i < NSTUDY; i++) {
        const Style a = style_of(study[i]);
        CHECK(style_in_table(study[i]));
        CHECK(well_formed(a));
        CHECK((strcmp(a.rgb, "#000000") == 0) == (i == 0));
        if (i > 0) CHECK(a.lw < style_of("greedy").lw);
        for (int j = 0; j < i; j++) {
            const Style b = style_of(study[j]);
            CHECK(strcmp(a.rgb, b.rgb) != 0 || a.dt != b.dt);
        }
    }
    const Style g = style_of("greedy");
    CHECK(strcmp(g.rgb, "#000000") == 0 && g.dt == 1);
    CHECK(style_is_greedy("greedy-hf") && strcmp(style_of("greedy-hf").rgb, "#000000") == 0);
    CHECK(!style_in_table("my-schedule"));
    for (int i = 0; i < 2000; i++) { /* labels outside the table */
        char label[32];
        snprintf(label, sizeof label, "custom-%d", i);
        const Style a = style_of(label), b = style_of(label);
        CHECK(well_formed(a));
        CHECK(strcmp(a.rgb, "#000000") != 0);
        CHECK(strcmp(a.rgb, b.rgb) == 0 && a.dt == b.dt && a.lw == b.lw);
    }
    Buf b = {0};
    style_line(&b, "constant");
    CHECK(strcmp(b.s, "lc rgb '#0072B2' dt 1 lw 1.6") == 0);
    buf_free(&b);
    return check_report();
}
