/* watchdog.c - a CPU-time limit for code an instruction count cannot interrupt (see
 * watchdog.h).
 *
 * What: setitimer(ITIMER_PROF) with a SIGPROF handler that writes a message formatted
 * beforehand and calls _exit(2): both async-signal-safe (POSIX.1-2008, signal-safety(7)).
 * Why: a hostile experiment script must not hang lrlab, nor a Lua function it
 * hands to the runner hang a cell; the Lua count hook covers Lua code, this covers
 * the C functions of the string library.
 */
#include "harness/base/watchdog.h"

#include "harness/base/err.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static char msg[1200];
static size_t msg_len;
static struct sigaction previous;
static char *report; /* watchdog_call_report's buffer, or NULL */
static size_t report_n;
static int call_handler; /* fire_call is SIGPROF's handler */

static void fire(int sig) {
    (void)sig;
    ssize_t w = write(STDERR_FILENO, msg, msg_len);
    (void)w;
    _exit(EXIT_USAGE);
}

/* memcpy and _exit are async-signal-safe (POSIX.1-2016) */
static void fire_call(int sig) {
    (void)sig;
    static const char reason[] = WATCHDOG_CALL_REASON;
    if (report && report_n) {
        size_t n = sizeof reason - 1 < report_n - 1 ? sizeof reason - 1 : report_n - 1;
        memcpy(report, reason, n);
        report[n] = '\0';
        _exit(WATCHDOG_EXIT_CALL);
    }
    static const char line[] = "lrlab: " WATCHDOG_CALL_REASON "\n";
    ssize_t w = write(STDERR_FILENO, line, sizeof line - 1);
    (void)w;
    _exit(EXIT_USAGE);
}

void watchdog_arm(const char *path) {
    int n = snprintf(msg, sizeof msg,
                     "lrlab: %s: CPU time limit exceeded (expected a script "
                     "that runs within %d s, got one still running)\n",
                     path, WATCHDOG_SECONDS);
    msg_len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg;
    for (size_t i = 0; i + 1 < msg_len; i++) /* one line, whatever the path holds */
        if ((unsigned char)msg[i] < 0x20) msg[i] = ' ';
    if (msg_len) msg[msg_len - 1] = '\n';
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fire;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPROF, &sa, &previous);
    call_handler = 0;
    struct itimerval t = {{0, 0}, {WATCHDOG_SECONDS, 0}};
    setitimer(ITIMER_PROF, &t, NULL);
}

void watchdog_disarm(void) {
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, NULL);
    sigaction(SIGPROF, &previous, NULL);
    call_handler = 0;
}

void watchdog_call_report(char *buf, size_t n) {
    report = buf;
    report_n = n;
}

void watchdog_call_begin(void) {
    if (!call_handler) { /* once: two setitimer calls per Lua call, no sigaction */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = fire_call;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGPROF, &sa, NULL);
        call_handler = 1;
    }
    struct itimerval t = {{0, 0}, {WATCHDOG_CALL_SECONDS, 0}};
    setitimer(ITIMER_PROF, &t, NULL);
}

void watchdog_call_end(void) {
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, NULL);
}
