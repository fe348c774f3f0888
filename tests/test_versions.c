/* test_versions.c - components' implementation versions in cell ids (harness/engine/plan.c).
 *
 * A cell id is the FNV-1a hash of the cell's canonical configuration, which names each
 * component's version when it is above 1. Checked on scripts/quick.lua:
 *   at version 1 (every registered component) the plan's ids are exactly the cells of the
 *     committed reference tests/expected/quick/runs.csv, and no canonical text names a
 *     version: ids made before components had versions stay;
 *   a copy of the task's, the optimizer's or the scheduler's definition at version 2 (then 3)
 *     gives the same canonical text with "@v2" after that component's name, and so another
 *     id; back at the registry's definition the id is the committed one again;
 *   plan_versions gives tests/expected/quick/versions.txt, and the raised version in it.
 * usage: test_versions SRC_DIR */
#include "check.h"
#include "harness/engine/plan.h"

#include <stdlib.h>
#include <string.h>

static char src[1024];

static int by_str(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

/* ref_ids: the distinct cell ids of the committed runs.csv, sorted, into ids[max]; their count. */
static int ref_ids(char (*ids)[17], int max) {
    char path[1200], line[1024];
    snprintf(path, sizeof path, "%s/tests/expected/quick/runs.csv", src);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return 0;
    int n = 0;
    CHECK(fgets(line, sizeof line, f) != NULL); /* the header */
    while (fgets(line, sizeof line, f)) {
        const char *c = strchr(line, ',');
        if (!c || strlen(c) < 18 || c[17] != ',') {
            CHECK(!"a runs.csv row with a 16-digit cell id second");
            continue;
        }
        if (n > 0 && strncmp(ids[n - 1], c + 1, 16) == 0) continue; /* a cell's later stages */
        CHECK(n < max);
        if (n == max) break;
        memcpy(ids[n], c + 1, 16);
        ids[n++][16] = 0;
    }
    fclose(f);
    qsort(ids, (size_t)n, sizeof ids[0], by_str);
    int k = 0; /* one id a cell, should a cell's rows not be adjacent */
    for (int i = 0; i < n; i++)
        if (k == 0 || strcmp(ids[k - 1], ids[i]) != 0) memmove(ids[k++], ids[i], 17);
    return k;
}

static void build(const Experiment *ex, Plan *p) {
    Err e = {0};
    int rc = plan_build(ex, NULL, NULL, p, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    CHECK(rc == 0);
}

static char *versions(const Experiment *ex) {
    Buf b = {0};
    plan_versions(ex, &b);
    return b.s;
}

/* at_version: cell 0 with `comp`'s definition replaced by a copy at version v (set by `set`),
 * against the registry's: the canonical text gains "@vV" after the name, and nothing else. */
static void at_version(Experiment *ex, CompCfg *comp, const char *field, int v,
                       void (*set)(CompCfg *c, int v), const char *base_canon,
                       const char *base_id) {
    char want[8192], tag[64];
    snprintf(tag, sizeof tag, "\n%s=%s{", field, comp->name);
    const char *at = strstr(base_canon, tag); /* the first line is "lrlab-cell 1" */
    CHECK(at != NULL);
    if (!at) return;
    size_t head = (size_t)(strchr(at, '{') - base_canon);
    CHECK(strlen(base_canon) + 16 < sizeof want);
    snprintf(want, sizeof want, "%.*s@v%d%s", (int)head, base_canon, v, base_canon + head);

    set(comp, v);
    Plan p;
    build(ex, &p);
    CHECK(strcmp(p.cells[0].canon, want) == 0);
    CHECK(strcmp(p.cells[0].id, base_id) != 0);
    char id[17];
    snprintf(id, sizeof id, "%016llx", (unsigned long long)plan_fnv1a(want));
    CHECK(strcmp(p.cells[0].id, id) == 0);
    char *line = versions(ex), needle[96];
    snprintf(needle, sizeof needle, "%s %s %d", field, comp->name, v);
    CHECK(strstr(line, needle) != NULL);
    free(line);
    plan_free(&p);

    set(comp, 0); /* back to the registry's definition */
    build(ex, &p);
    CHECK(strcmp(p.cells[0].canon, base_canon) == 0);
    CHECK(strcmp(p.cells[0].id, base_id) == 0);
    plan_free(&p);
}

/* Copies of the definitions; v 0 puts the registry's back. */
static TaskDef task_copy;
static OptimDef optim_copy;
static SchedDef sched_copy;
static const TaskDef *task_orig;
static const OptimDef *optim_orig;
static const SchedDef *sched_orig;

static void set_task(CompCfg *c, int v) {
    task_copy = *task_orig;
    task_copy.version = v;
    c->task = v ? &task_copy : task_orig;
}
static void set_optim(CompCfg *c, int v) {
    optim_copy = *optim_orig;
    optim_copy.version = v;
    c->optim = v ? &optim_copy : optim_orig;
}
static void set_sched(CompCfg *c, int v) {
    sched_copy = *sched_orig;
    sched_copy.version = v;
    c->sched = v ? &sched_copy : sched_orig;
}

int main(int argc, char **argv) {
    CHECK(argc == 2);
    if (argc != 2) return check_report();
    snprintf(src, sizeof src, "%s", argv[1]);
    char path[1200];
    snprintf(path, sizeof path, "%s/scripts/quick.lua", src);
    Experiment ex;
    Err e = {0};
    int rc = cfg_load(path, 0, NULL, &ex, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    CHECK(rc == 0);
    if (rc) return check_report();

    /* version 1: the committed ids, no version in the canonical text */
    Plan p;
    build(&ex, &p);
    static char ids[4096][17], got[4096][17];
    int n = ref_ids(ids, 4096);
    CHECK(n == p.n && n > 0);
    for (int i = 0; i < p.n && i < 4096; i++) {
        memcpy(got[i], p.cells[i].id, 17);
        CHECK(strstr(p.cells[i].canon, "@v") == NULL);
    }
    qsort(got, (size_t)p.n, sizeof got[0], by_str);
    for (int i = 0; i < n && i < p.n; i++) CHECK(strcmp(ids[i], got[i]) == 0);
    char *base_canon = xstrdup(p.cells[0].canon), base_id[17];
    memcpy(base_id, p.cells[0].id, 17);
    CHECK(strcmp(base_id, "f076d3f1ce6bdddb") == 0); /* runs.csv's first cell */
    plan_free(&p);

    /* the versions line is the committed one */
    char want[512] = "", vpath[1200];
    snprintf(vpath, sizeof vpath, "%s/tests/expected/quick/versions.txt", src);
    FILE *f = fopen(vpath, "r");
    CHECK(f != NULL);
    if (f) {
        size_t k = fread(want, 1, sizeof want - 1, f);
        want[k] = 0;
        fclose(f);
    }
    char *line = versions(&ex);
    CHECK(strcmp(line, want) == 0);
    CHECK(strcmp(line, "versions: task nmf 1; optimizer sgd 1, adam 1; scheduler constant 1, "
                       "cosine 1, greedy 1\n") == 0);
    free(line);

    /* each kind raised to 2, then 3, in a copy of its definition */
    task_orig = ex.tasks[0].task;
    optim_orig = ex.optims[0].optim;
    sched_orig = ex.scheds[0].sched;
    for (int v = 2; v <= 3; v++) {
        at_version(&ex, &ex.tasks[0], "task", v, set_task, base_canon, base_id);
        at_version(&ex, &ex.optims[0], "optimizer", v, set_optim, base_canon, base_id);
        at_version(&ex, &ex.scheds[0], "scheduler", v, set_sched, base_canon, base_id);
    }
    free(base_canon);
    cfg_free(&ex);
    return check_report();
}
