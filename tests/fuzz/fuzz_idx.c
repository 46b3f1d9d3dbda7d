/* tests/fuzz/fuzz_idx.c: the IDX reader (src/mnist.c) on any bytes, read as
 * an images file and as a labels file: a data set or one line, never a
 * crash, a leak or undefined behaviour. Seeds: corpus_idx/. */
#include <stdint.h>
#include <string.h>

#include "fuzz_file.h"
#include "mnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_path("idx", data, size);
    char err[512];
    image_set images;
    label_set labels;
    if (path == NULL)
        return 0;
    if (idx_read_images(path, &images, err, sizeof err) == 0) {
        long sum = 0;                                         /* touch every pixel the reader promises */
        for (long i = 0; i < (long)images.count * images.rows * images.cols; i++)
            sum += images.pixels[i];
        image_set_free(&images);
        (void)sum;
    } else if (strlen(err) == 0) {
        __builtin_trap();                                     /* a refusal without its line */
    }
    if (idx_read_labels(path, &labels, err, sizeof err) == 0) {
        for (int i = 0; i < labels.count; i++)
            if (labels.labels[i] > 9)
                __builtin_trap();                             /* labels are 0..9 */
        label_set_free(&labels);
    } else if (strlen(err) == 0) {
        __builtin_trap();
    }
    return 0;
}
