/* tests/fuzz/fuzz_model.c: the model loader (sequential_load: format 2,
 * and format 1 through convnet_load) on any bytes: a model or one line,
 * never a crash, a leak or undefined behaviour; the pointers of a refused
 * model are NULL (the caller frees them); a model it loads runs forward and
 * backward (fuzz_network.h). Seeds: corpus_model/ (files of both formats). */
#include <stdint.h>
#include <string.h>

#include "fuzz_file.h"
#include "fuzz_network.h"
#include "model_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_path("model", data, size);
    char err[1024];
    sequential m;
    real *params, *stats;
    if (path == NULL)
        return 0;
    if (sequential_load(path, &m, &params, &stats, err, sizeof err) != 0) {
        if (strlen(err) == 0 || params != NULL || stats != NULL)
            __builtin_trap();
        return 0;
    }
    fuzz_run_network(&m, params, stats);
    free(params);
    free(stats);
    return 0;
}
