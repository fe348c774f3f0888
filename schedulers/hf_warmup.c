/* hf_warmup.c - shared parts of the Hugging Face schedules (see hf_warmup.h). */
#include "schedulers/hf_warmup.h"

int64_t hf_training_steps(const Params *p, const SchedRun *run) {
    return params_isset(p, "num_training_steps") ? params_int(p, "num_training_steps")
                                                 : run->total_steps;
}

int hf_check_warmup(const char *name, const Params *p, const SchedRun *run, const char *where,
                    Err *e) {
    int64_t W = params_int(p, "num_warmup_steps"), T = hf_training_steps(p, run);
    if (W >= run->total_steps)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"%s\": num_warmup_steps: not shorter than the run "
                       "(expected fewer than %lld, got %lld)",
                       name, (long long)run->total_steps, (long long)W);
    if (W >= T)
        return err_set(e, EXIT_USAGE, where,
                       "scheduler \"%s\": num_warmup_steps: not shorter than "
                       "num_training_steps (expected fewer than %lld, got %lld)",
                       name, (long long)T, (long long)W);
    return 0;
}
