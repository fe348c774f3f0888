/* fuzz_plan.c - fuzz target: the plan.csv reader, planfile_read on the input as DIR/plan.csv
 * (every field validated); a plan read is compared with itself, as lrlab merge compares
 * the plans of its folders. */
#include "fuzz.h"

#include "harness/engine/planfile.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_file_in("plan.csv", data, size);
    PlanFile pf;
    Err e;
    if (planfile_read(fuzz_dir(), &pf, &e) != 0) return 0;
    if (!planfile_equal(&pf, &pf)) abort();
    planfile_free(&pf);
    return 0;
}
