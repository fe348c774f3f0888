/* fuzz_csv.c - fuzz target: the CSV reader, csvio_read on the input as a file.
 *
 * Read twice: without a header check, then against the columns of a cell file (the check
 * every result file gets); every field of a table read is then looked up and parsed as a
 * number, as the readers of result files do.
 */
#include "fuzz.h"

#include "harness/base/csvio.h"
#include "harness/engine/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file("table.csv", data, size);
    CsvTable t;
    Err e;
    if (csvio_read(path, NULL, &t, &e) == 0) {
        for (int r = 0; r < t.nrows; r++)
            for (int c = 0; c < t.ncols; c++) {
                double x;
                csvio_parse_num(csvio_at(&t, r, c), &x);
            }
        (void)csvio_col(&t, "step");
        csvio_free(&t);
    }
    if (csvio_read(path, results_cell_cols, &t, &e) == 0) csvio_free(&t);
    return 0;
}
