/* pgm.h: reading and writing greyscale images as PGM (portable graymap),
 * the simplest image format there is, so a student can draw a digit in any
 * editor (GIMP, ImageMagick's `convert x.png x.pgm`, a text editor, ...)
 * and hand it to the predict tool.
 *
 * A PGM file is a text header "P5 <width> <height> <maxval>" (P2 for the
 * all-text variant), whitespace-separated, then width*height pixels, row by
 * row: in P5 after a single whitespace byte, one byte each (maxval <= 255)
 * or two bytes, most significant first (maxval 256..65535: 16-bit, what
 * ImageMagick writes for a 16-bit PNG); in P2 decimal numbers separated by
 * whitespace. 0 is black, maxval is white. '#' starts a comment that runs to
 * the end of its line, and we accept one wherever netpbm (the format's own
 * library, whose pamtopnm tests/unit_pgm.c compares us with) does: anywhere
 * in the header, straight after a number, after the maxval, and between the
 * numbers of a P2 raster (a student typing a digit writes "# row 3" lines).
 * One difference: a P5 header that ends in CR LF (Windows line ends) is
 * refused with a message, where netpbm reads the LF as the first pixel and
 * shifts the image by one.
 *
 * MNIST digits are WHITE (255) ON BLACK (0). These functions never invert
 * anything: build/predict prepares a user's image (src/digit.h). */
#ifndef PGM_H
#define PGM_H

#include <stddef.h>

#define PGM_MAX_SIDE 16384            /* larger images are refused, not allocated */
#define PGM_MAX_PIXELS (1L << 26)     /* 67 million pixels: 256 MB as floats */

/* An image of any size: rows x cols values pixel / maxval in [0, 1],
 * row-major. */
typedef struct {
    int rows, cols, maxval;
    float *pixels;
} pgm_image;

/* Reads a PGM (P2 or P5, 8- or 16-bit) of any size up to PGM_MAX_SIDE a
 * side. On success fills img (free with pgm_image_free) and returns 0; on
 * failure returns -1 with one line in err naming the file and the problem
 * (bad magic, bad header, bad maxval, too large, truncated data, a pixel
 * above maxval, a P5 header ending in CR LF, a P2 value that is not a
 * number, with its row and column and its text), and img empty. Bytes
 * after the last pixel are ignored (the format allows several images in
 * one file). */
int pgm_load(const char *path, pgm_image *img, char *err, size_t err_size);
void pgm_image_free(pgm_image *img);

/* pgm_load of an image that must be want_rows x want_cols ("wrong size:
 * the image is 32x30 (width x height), expected 28x28" otherwise), as bytes
 * 0..255 (value * 255, rounded) into pixels (want_rows*want_cols bytes). */
int pgm_read(const char *path, unsigned char *pixels, int want_rows, int want_cols, char *err, size_t err_size);

/* Writes P5 (binary, maxval 255) safely (src/out_file.h: a temporary file
 * renamed into place; a device is written in place and never removed).
 * Returns 0, or -1 with one line in err naming path and the reason. */
int pgm_write(const char *path, const unsigned char *pixels, int rows, int cols, char *err, size_t err_size);

#endif
