/* gnuplot_random.c - the gnuplot-injection fuzz target (fuzz_gnuplot.c) on inputs drawn from
 * a fixed seed: the default suite's version of it, as one gnuplot run per input is too slow
 * for libFuzzer to explore in a CTest's time.
 *
 * usage: gnuplot_random [INPUTS [SEED]]   (default 50 inputs, seed 15)
 * Each input is 10 texts separated by NUL bytes; a text is 0 to 80 pieces, each a random
 * byte (1 to 255) or a fragment that would end or escape a gnuplot string, comment or file
 * name if it were written unescaped: quotes, backquotes with a command, newlines and CRs
 * before system(...) or '!', '@' macros, '$' data blocks, '<' and '|' pipes, "../" and "/".
 * So 50 inputs are 500 texts, every byte value among them. Deterministic: the same seed
 * gives the same inputs (splitmix64), so a failure repeats. Exit 0 when every input passes
 * (the target aborts on the first that does not, printing its texts) and every byte value
 * 1-255 was in some text (at 50 inputs and more).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void) { /* splitmix64 */
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static const char *const fragments[] = {
    "'",
    "\"",
    "''",
    "\\",
    "\\\n",
    "\n",
    "\r",
    "\r\n",
    "`touch PWNED`",
    "`",
    "@",
    "@x",
    "$",
    "$data",
    "#",
    ";",
    "!",
    "|",
    "<",
    "-",
    "+",
    "++",
    "../",
    "/",
    "..",
    ".",
    "'\nsystem(\"touch PWNED\")\n'",
    "\"\nsystem(\"touch PWNED\")\n\"",
    "x'\n!touch PWNED\n'",
    "\\\nsystem(\"touch PWNED\")",
    "\r!touch PWNED\r",
    "';system(\"touch PWNED\");'",
    "\";system('touch PWNED');\"",
    "<touch PWNED",
    "|touch PWNED",
    "../PWNED",
    "/tmp/PWNED-lrlab",
    "\xce\x94",
    "\xff\xfe",
    "\x7f",
    "\x01",
};

int main(int argc, char **argv) {
    int inputs = argc > 1 ? atoi(argv[1]) : 50;
    state = argc > 2 ? strtoull(argv[2], NULL, 10) : 15;
    if (inputs < 1) {
        fprintf(stderr, "usage: %s [INPUTS [SEED]]\n", argv[0]);
        return 2;
    }
    const size_t nfrag = sizeof fragments / sizeof fragments[0];
    unsigned char *buf = malloc(1 << 16);
    int byte_seen[256] = {0};
    for (int in = 0; in < inputs; in++) {
        size_t len = 0;
        for (int t = 0; t < 10; t++) {
            if (t) buf[len++] = 0;
            int pieces = (int)(next() % 81);
            for (int p = 0; p < pieces; p++) {
                uint64_t r = next();
                if (r % 3 == 0) {
                    const char *f = fragments[(r >> 8) % nfrag];
                    memcpy(buf + len, f, strlen(f));
                    len += strlen(f);
                } else {
                    /* every byte value once per input, in turn, besides random ones */
                    unsigned char c = r % 3 == 1 ? (unsigned char)(1 + (in * 97 + p) % 255)
                                                 : (unsigned char)(1 + (r >> 8) % 255);
                    buf[len++] = c;
                }
            }
        }
        for (size_t k = 0; k < len; k++) byte_seen[buf[k]] = 1;
        LLVMFuzzerTestOneInput(buf, len);
    }
    int missing = 0;
    for (int c = 1; c < 256; c++) missing += !byte_seen[c];
    free(buf);
    printf("gnuplot_random: %d inputs (%d texts) passed: nothing ran, every text printed as "
           "given, every figure where it belongs; byte values 1-255 not drawn: %d\n",
           inputs, inputs * 10, missing);
    return missing ? 1 : 0;
}
