/* style.h - one line style per scheduler, the same in every figure lrlab draws (lrlab run's
 * figures, plot.c; lrlab report's, report_figures.c; lrlab trace --plot, trace.c).
 *
 * A style is a colour, a gnuplot dash type and a line width, keyed by the scheduler's label.
 * A table holds the registry's schedulers (schedulers/sched.c) and the labels the
 * project's scripts give them (scripts/paper.lua, scripts/study2.lua: "cosine-restarts",
 * "hd-group", "constant-warmup", ...). GreedyLR ("greedy", and any label starting with
 * "greedy") is black, solid and thick: always the most prominent line. The other colours come
 * from two colour-blind-safe palettes: Okabe and Ito, "Color Universal Design" (2008), and
 * Paul Tol, "Colour Schemes" (SRON/EPS/TN/09-002, issue 3.2, 2021), muted and vibrant
 * schemes; where two labels share a hue they differ in dash type, so that no two entries of
 * the table look alike. A label outside the table gets a colour and dash type from a hash of
 * the label (FNV-1a): the same label, the same style, in every figure and every run; never
 * GreedyLR's black.
 */
#ifndef LRLAB_STYLE_H
#define LRLAB_STYLE_H

#include "harness/base/buf.h"

typedef struct Style {
    const char *rgb; /* "#rrggbb" */
    int dt;          /* gnuplot dash type: 1 solid, 2 dashes, 3 dots, 4 dash-dot, 5 dash-dot-dot */
    double lw;       /* line width */
} Style;

/* style_of: the style of the scheduler labelled LABEL. */
Style style_of(const char *label);

/* style_in_table: 1 when LABEL has a style of the table (not one from its hash). */
int style_in_table(const char *label);

/* style_is_greedy: 1 when LABEL is drawn as GreedyLR (black and thick). */
int style_is_greedy(const char *label);

/* style_line: appends "lc rgb '#rrggbb' dt N lw W" for LABEL. */
void style_line(Buf *b, const char *label);

/* style_band: appends "fc rgb '#rrggbb'" for LABEL's interquartile band: its colour, or a
 * mid grey for GreedyLR's black (drawn transparent, a black band would hide the others). */
void style_band(Buf *b, const char *label);

/* style_label_margin: the left margin, a fraction of a figure width_px wide, that fits y tic
 * labels of `chars` characters at 8 points (about 5.6 pixels each), within [0.12, 0.45]. */
double style_label_margin(size_t chars, int width_px);

/* style_spec_curve: the plot command of a specification curve (lrlab compare --multiverse,
 * lrlab report) from DATA (a quoted gnuplot file name; columns rank, share, ci_low, ci_high,
 * verdict 0 supported, 1 not supported, 2 undecided): each interval in a light shade of its
 * verdict's colour (green, red, grey), each share a dot of the full colour over it. */
void style_spec_curve(Buf *b, const char *data, double lw, double ps);

#endif
