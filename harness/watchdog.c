/* watchdog.c - a CPU-time limit for code an instruction count cannot interrupt (see
 * watchdog.h).
 *
 * What: setitimer(ITIMER_PROF) with a SIGPROF handler that writes a message formatted
 * beforehand and calls _exit(2): both async-signal-safe (POSIX.1-2008, signal-safety(7)).
 * Why: a hostile experiment script must not hang lrlab (issue 9); the Lua count hook covers
 * Lua code, this covers the C functions of the string library.
 */
#include "harness/watchdog.h"

#include "harness/err.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static char msg[1200];
static size_t msg_len;
static struct sigaction previous;

static void fire(int sig) {
    (void)sig;
    ssize_t w = write(STDERR_FILENO, msg, msg_len);
    (void)w;
    _exit(EXIT_USAGE);
}

void watchdog_arm(const char *path) {
    int n = snprintf(msg, sizeof msg, "lrlab: %s: CPU time limit exceeded (expected a script "
                     "that runs within %d s, got one still running)\n", path, WATCHDOG_SECONDS);
    msg_len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg;
    for (size_t i = 0; i + 1 < msg_len; i++) /* one line, whatever the path holds */
        if ((unsigned char)msg[i] < 0x20) msg[i] = ' ';
    if (msg_len) msg[msg_len - 1] = '\n';
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fire;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPROF, &sa, &previous);
    struct itimerval t = {{0, 0}, {WATCHDOG_SECONDS, 0}};
    setitimer(ITIMER_PROF, &t, NULL);
}

void watchdog_disarm(void) {
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, NULL);
    sigaction(SIGPROF, &previous, NULL);
}
