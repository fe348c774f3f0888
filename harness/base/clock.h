/* clock.h - seconds on the monotonic clock (POSIX clock_gettime, CLOCK_MONOTONIC), for the
 * wall times lrlab records (timing.csv, the runner's limits, the trainer's progress); never
 * an input to any result.
 */
#ifndef LRLAB_CLOCK_H
#define LRLAB_CLOCK_H

/* clock_now: seconds since an arbitrary fixed point; only differences mean anything. */
double clock_now(void);

#endif
