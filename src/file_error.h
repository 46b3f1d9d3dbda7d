/* file_error.h: the one-line error messages of the file readers.
 *
 * Every reader of a data, image or model file reports a problem as ONE
 * line that names the file, e.g.
 *     data/mnist/train-images-idx3-ubyte: wrong magic 0x00000802 (...)
 * written into a buffer the caller provides (err, err_size); the caller
 * decides whether to print it and exit. */
#ifndef FILE_ERROR_H
#define FILE_ERROR_H

#include <stddef.h>
#include <stdio.h>

/* Room for one such line: a path as long as the system allows (4096 bytes
 * on Linux) and the message after it. */
#define FILE_ERROR_SIZE 8192

/* Write "path: <printf-style message>" into err (truncated to fit). */
void set_file_error(char *err, size_t err_size, const char *path, const char *format, ...);

/* Why a read of f came up short: NULL at the end of the file (the caller
 * knows what it expected there), else the error. `directory` is the text
 * for a directory opened by mistake (reading one fails with EISDIR on Linux
 * and the BSDs), e.g. "is a directory, not an IDX file". */
const char *file_read_failure(FILE *f, int saved_errno, const char *directory);

/* Open an input file for reading (mode "rb" or "r") after checking that it
 * is a regular file: fopen on a FIFO with no writer waits for ever, and a
 * directory, a device or a socket is no data file. what names what the
 * file should be ("a model file", "a PGM image"). Returns the open file, or
 * NULL with one line in err:
 *     PATH: cannot open: No such file or directory
 *     PATH: is a directory, not a model file
 *     PATH: is not a regular file (a FIFO, a device or a socket), so not a model file
 * Where the system cannot tell (no POSIX: src/os.h), fopen decides. */
FILE *open_regular_file(const char *path, const char *mode, const char *what, char *err, size_t err_size);

#endif
