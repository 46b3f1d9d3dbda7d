/* tests/fuzz/fuzz_numbers.c: libFuzzer harness for gradcheck's reader of
 * number files (gradcheck_parse_numbers, src/gradcheck.c): any bytes give
 * either numbers (all finite, a shape that is -1 or positive) or -1 with
 * one line of message, and never a crash, a leak or undefined behaviour.
 * Seeds: tests/fuzz/corpus_numbers/. By hand:
 *   clang -fsanitize=fuzzer,address,undefined -DREAL_DOUBLE -Isrc tests/fuzz/fuzz_numbers.c src/gradcheck.c src/real.c \
 *     -lm -o build/fuzz_numbers && build/fuzz_numbers tests/fuzz/corpus_numbers -max_total_time=60 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gradcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    double *values;
    long count, shape_count;
    char err[256];
    err[0] = '\0';
    int rc = gradcheck_parse_numbers((const char *)data, size, &values, &count, &shape_count, err, sizeof err);
    if (rc == 0) {
        if (count < 0 || (count > 0 && !values) || shape_count == 0 || shape_count < -1)
            abort();
        for (long i = 0; i < count; i++)
            if (!isfinite(values[i]))
                abort();
    } else if (rc != -1 || values || !err[0] || strchr(err, '\n')) {
        abort();
    }
    free(values);
    return 0;
}
