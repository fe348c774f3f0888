/* trace.h - `lrlab trace`: a scheduler's learning rates as CSV, without training. */
#ifndef LRLAB_TRACE_H
#define LRLAB_TRACE_H

/* trace_main: argv[0] is "trace"; returns an exit code. */
int trace_main(int argc, char **argv);
extern const char trace_usage[], trace_help[];

#endif
