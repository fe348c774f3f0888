/* style.c - the schedulers' line styles (see style.h). */
#include "harness/analysis/style.h"

#include <stdint.h>
#include <string.h>

#define LW_GREEDY 3.5
#define LW_OTHER 1.6

typedef struct Entry {
    const char *label, *rgb;
    int dt;
} Entry;

/* registry names and the scripts' labels; variants of one schedule share a hue, not a dash */
static const Entry table[] = {
    {"constant", "#0072B2", 1},        /* Okabe-Ito blue */
    {"constant-warmup", "#56B4E9", 2}, /* Okabe-Ito sky blue */
    {"hf_constant", "#56B4E9", 2},
    {"linear", "#009E73", 1}, /* Okabe-Ito bluish green */
    {"hf_linear", "#009E73", 1},
    {"polynomial", "#117733", 4}, /* Tol muted green */
    {"hf_polynomial", "#117733", 4},
    {"cosine", "#D55E00", 1}, /* Okabe-Ito vermillion */
    {"hf_cosine", "#D55E00", 1},
    {"cosine-restarts", "#CC6677", 2}, /* Tol muted rose */
    {"cosine_restarts", "#CC6677", 2},
    {"step", "#E69F00", 1}, /* Okabe-Ito orange */
    {"multistep", "#E69F00", 2},
    {"exponential", "#999933", 1}, /* Tol muted olive */
    {"onecycle", "#CC79A7", 1},    /* Okabe-Ito reddish purple */
    {"cyclic", "#CC79A7", 3},
    {"plateau", "#882255", 2}, /* Tol muted wine */
    {"hd", "#332288", 1},      /* Tol muted indigo */
    {"hd-group", "#332288", 1},
    {"hd-param", "#44AA99", 2},     /* Tol muted teal */
    {"sls", "#AA4499", 4},          /* Tol muted purple */
    {"wsd", "#EE7733", 4},          /* Tol vibrant orange */
    {"inverse_sqrt", "#009988", 3}, /* Tol vibrant teal */
    {"rsqrt", "#009988", 3},
    {"rl", "#EE3377", 1},            /* Tol vibrant magenta */
    {"schedule-free", "#33BBEE", 4}, /* Tol vibrant cyan */
    {"schedulefree", "#33BBEE", 4},
    {"lua", "#777777", 2},
    {"sequential", "#777777", 4},
};

/* the colours a label outside the table may take (the table's, less black) */
static const char *const hashed[] = {"#0072B2", "#56B4E9", "#009E73", "#117733", "#D55E00",
                                     "#CC6677", "#E69F00", "#999933", "#CC79A7", "#882255",
                                     "#332288", "#44AA99", "#AA4499", "#EE7733", "#EE3377"};
#define NHASHED (sizeof hashed / sizeof hashed[0])

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * 16777619u;
    return h;
}

int style_is_greedy(const char *label) { return strncmp(label, "greedy", 6) == 0; }

int style_in_table(const char *label) {
    if (strcmp(label, "greedy") == 0) return 1;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].label, label) == 0) return 1;
    return 0;
}

Style style_of(const char *label) {
    Style st;
    if (style_is_greedy(label)) { /* "greedy" solid; other greedy labels dashed by hash */
        st.rgb = "#000000";
        st.dt = label[6] ? 2 + (int)(fnv1a(label) % 4) : 1;
        st.lw = LW_GREEDY;
        return st;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].label, label) == 0) {
            st.rgb = table[i].rgb;
            st.dt = table[i].dt;
            st.lw = LW_OTHER;
            return st;
        }
    const uint32_t h = fnv1a(label);
    st.rgb = hashed[h % NHASHED];
    st.dt = 1 + (int)((h / NHASHED) % 5);
    st.lw = LW_OTHER;
    return st;
}

void style_line(Buf *b, const char *label) {
    const Style st = style_of(label);
    buf_printf(b, "lc rgb '%s' dt %d lw %g", st.rgb, st.dt, st.lw);
}

void style_band(Buf *b, const char *label) {
    buf_printf(b, "fc rgb '%s'", style_is_greedy(label) ? "#808080" : style_of(label).rgb);
}

double style_label_margin(size_t chars, int width_px) {
    double m = (40 + 5.6 * (double)chars) / width_px;
    return m < 0.12 ? 0.12 : m > 0.45 ? 0.45 : m;
}

void style_spec_curve(Buf *b, const char *data, double lw, double ps) {
    buf_printf(b,
               "plot %s using 1:2:3:4:($5 == 0 ? 0xa6dba0 : $5 == 1 ? 0xf4a582 : 0xcccccc) "
               "with yerrorbars ps 0 lw %g lc rgb variable, \\\n"
               "     '' using 1:2:($5 == 0 ? 0x1a7837 : $5 == 1 ? 0xb2182b : 0x4d4d4d) "
               "with points pt 7 ps %g lc rgb variable\n",
               data, lw, ps);
}
