/* hf_warmup.h - what the Hugging Face schedules share: the run length they decay over and
 * the checks of their warmup (transformers.optimization, get_*_schedule_with_warmup). */
#ifndef LRLAB_HF_WARMUP_H
#define LRLAB_HF_WARMUP_H

#include "schedulers/sched.h"

/* hf_training_steps: num_training_steps when set, else the run's total steps. */
int64_t hf_training_steps(const Params *p, const SchedRun *run);
/* hf_check_warmup: num_warmup_steps shorter than the run and than num_training_steps;
 * `name` names the scheduler in the message. */
int hf_check_warmup(const char *name, const Params *p, const SchedRun *run, const char *where,
                    Err *e);

#endif
