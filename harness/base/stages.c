/* stages.c - the stages of a cell (see stages.h). */
#include "harness/base/stages.h"

const int stage_pct[NSTAGES] = {10, 50, 100};
