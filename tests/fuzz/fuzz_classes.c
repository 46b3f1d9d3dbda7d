/* tests/fuzz/fuzz_classes.c: classes.txt's reader (src/mnist.c) on any
 * bytes: ten names or one line, never a crash or undefined behaviour; every
 * name it accepts prints as one line. Seeds: corpus_classes/. */
#include <stdint.h>
#include <string.h>

#include "fuzz_file.h"
#include "mnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_path("classes", data, size);
    char err[512], buf[12];
    class_names names;
    if (path == NULL)
        return 0;
    if (class_names_read(path, &names, err, sizeof err) != 0) {
        if (strlen(err) == 0)
            __builtin_trap();
        return 0;
    }
    for (int c = 0; c < CLASS_COUNT; c++) {
        const char *label = class_label(&names, c, buf, sizeof buf);
        if (strchr(label, '\n') || strchr(label, '\r'))
            __builtin_trap();                                 /* a name must not break a line */
    }
    (void)class_names_width(&names, CLASS_COUNT);
    return 0;
}
