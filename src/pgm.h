/* pgm.h: reading and writing greyscale images as PGM (portable graymap),
 * the simplest image format there is, so a student can draw a digit in any
 * editor (GIMP, ImageMagick's `convert x.png -resize 28x28! x.pgm`, ...) and
 * hand it to the predict tool.
 *
 * A PGM file is a text header "P5 <width> <height> <maxval>" (P2 for the
 * all-text variant), whitespace-separated, with '#' comments to the end of a
 * line allowed anywhere in the header, then width*height pixels, row by row:
 * in P5 one byte each after a single whitespace character, in P2 decimal
 * numbers separated by whitespace. 0 is black, maxval is white.
 *
 * MNIST digits are WHITE (255) ON BLACK (0). A digit drawn as dark ink on
 * white paper must be inverted before the network sees it (e.g.
 * `convert x.pgm -negate y.pgm`); these functions never invert anything. */
#ifndef PGM_H
#define PGM_H

#include <stddef.h>

/* Reads a PGM (P2 ASCII or P5 binary, comments '#' allowed in the header)
 * that must be want_rows x want_cols with maxval 1..255 (P5 with maxval > 255
 * is 16-bit: rejected with a clear message). Pixels are scaled to 0..255 if
 * maxval != 255. pixels holds want_rows*want_cols bytes, row-major. Returns 0,
 * or -1 with one line in err naming the file and the problem (bad magic, bad
 * header, wrong size "is 32x30 (width x height), expected 28x28", bad maxval,
 * truncated data, pixel > maxval in P2). Bytes after the last pixel are
 * ignored (the format allows several images in one file). */
int pgm_read(const char *path, unsigned char *pixels, int want_rows, int want_cols, char *err, size_t err_size);

/* Writes P5 (binary, maxval 255) safely (src/out_file.h: a temporary file
 * renamed into place; a device is written in place and never removed).
 * Returns 0, or -1 with one line in err naming path and the reason. */
int pgm_write(const char *path, const unsigned char *pixels, int rows, int cols, char *err, size_t err_size);

#endif
