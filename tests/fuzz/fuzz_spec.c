/* tests/fuzz/fuzz_spec.c: the --net reader (sequential_build) on any text,
 * for inputs of 1-3 channels and 1-32 pixels a side (the first three bytes
 * choose them; the rest is the spec): a network or one line without control
 * bytes, never a crash or undefined behaviour; a network it builds runs
 * forward and backward (fuzz_network.h). Seeds: corpus_spec/. */
#include <stdint.h>
#include <string.h>

#include "fuzz_network.h"
#include "rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char spec[4096], err[512];
    sequential m;
    if (size < 3 || size - 3 >= sizeof spec)
        return 0;
    int in_c = 1 + data[0] % 3, in_h = 1 + data[1] % 32, in_w = 1 + data[2] % 32;
    memcpy(spec, data + 3, size - 3);
    spec[size - 3] = '\0';
    if (sequential_build(&m, spec, in_c, in_h, in_w, err, sizeof err) != 0) {
        if (strlen(err) == 0)
            __builtin_trap();
        for (const char *c = err; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                __builtin_trap();                            /* the line must not carry control bytes */
        return 0;
    }
    sequential again;                                         /* the canonical text builds the same network */
    if (sequential_build(&again, m.spec, in_c, in_h, in_w, err, sizeof err) != 0 || strcmp(again.spec, m.spec) != 0
        || again.n_params != m.n_params || again.classes != m.classes)
        __builtin_trap();
    if (m.n_params > FUZZ_RUN_PARAMS)
        return 0;
    real *params = tensor_alloc((size_t)m.n_params + 1, "params"), *stats = tensor_alloc((size_t)m.n_stats + 1, "stats");
    rng_t rng = rng_seeded(1);
    sequential_init(&m, params, stats, &rng);
    fuzz_run_network(&m, params, stats);
    free(params);
    free(stats);
    return 0;
}
