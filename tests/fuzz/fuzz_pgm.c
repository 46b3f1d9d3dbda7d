/* tests/fuzz/fuzz_pgm.c: the PGM reader (src/pgm.c) on any bytes, as a
 * picture of any size and as a 28x28 one: an image or one line, never a
 * crash, a leak or undefined behaviour. Seeds: corpus_pgm/. */
#include <stdint.h>
#include <string.h>

#include "fuzz_file.h"
#include "pgm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_path("pgm", data, size);
    char err[512];
    pgm_image img;
    unsigned char pixels[28 * 28];
    if (path == NULL)
        return 0;
    if (pgm_load(path, &img, err, sizeof err) == 0) {
        long sum = 0;
        for (long i = 0; i < (long)img.rows * img.cols; i++)
            sum += img.pixels[i];
        pgm_image_free(&img);
        (void)sum;
    } else if (strlen(err) == 0) {
        __builtin_trap();
    }
    if (pgm_read(path, pixels, 28, 28, err, sizeof err) != 0 && strlen(err) == 0)
        __builtin_trap();
    return 0;
}
