/* tests/fuzz/fuzz_file.h: the readers take a path, libFuzzer gives bytes:
 * fuzz_file_path(name) writes them to a file of this process's own in the
 * directory FUZZ_DIR (make fuzz: /dev/shm where there is one, a disk that
 * does not slow every run down, else BUILD/fuzz), or the working directory,
 * and returns its path; the file is removed at exit. */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stdio.h>
#include <stdlib.h>

#include "os.h"

/* The bytes into the file; its path (static storage), or NULL when the file
 * cannot be written (the input is then skipped). */
static char fuzz_path[1024];

static void fuzz_remove_file(void)
{
    remove(fuzz_path);
}

static const char *fuzz_file_path(const char *name, const unsigned char *data, size_t size)
{
    const char *dir = getenv("FUZZ_DIR");
    char *path = fuzz_path;
    if (path[0] == '\0')
        atexit(fuzz_remove_file);
    snprintf(path, sizeof fuzz_path, "%s%sfuzz-%s-%lu.input", dir ? dir : "", dir ? "/" : "", name, os_process_id());
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return NULL;
    size_t wrote = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || wrote != size)
        return NULL;
    return path;
}

#endif
