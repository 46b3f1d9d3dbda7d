/* digit.h: preparing a user's picture of a digit the way MNIST's digits
 * were prepared, so that the network sees what it was trained on.
 *
 * LeCun, Cortes and Burges describe MNIST's preparation: each digit was
 * size-normalised to fit a 20x20 box, keeping its aspect ratio (the
 * anti-aliasing of that step makes the grey levels), then centred in a
 * 28x28 image by its centre of mass. White ink on a black background,
 * background exactly 0. A photo of a digit on paper is none of that: dark
 * ink, grey paper, low contrast, the digit small and off centre. digit_prepare
 * does, in order (notes/10_mnist.md explains each step):
 *
 *   1. background   the median of the border pixels: the border of a picture
 *                   of one digit is background. The ink is what differs most
 *                   from it: when the darkest pixels (1st percentile) are
 *                   farther below the border than the brightest (99th) are
 *                   above it, the ink is dark on light paper, and the picture
 *                   is inverted (v -> 1 - v) so that the ink is bright.
 *   2. contrast     stretch so the background is 0 and the ink 1: v ->
 *                   (v - b) / (i - b), clipped to 0..1, with b = the 90th
 *                   percentile of the border (above the paper's noise) and
 *                   i = the 99th percentile of the image (the ink, ignoring a
 *                   few outliers).
 *   3. crop         to the bounding box of the ink (pixels above 0.3 after
 *                   the stretch: faint noise does not widen it).
 *   4. scale        the box to fit 20x20, keeping its aspect ratio, by area
 *                   averaging (each new pixel is the mean of the old area it
 *                   covers: MNIST's anti-aliased grey edges).
 *   5. centre       in 28x28, moved so that the centre of mass of the ink is
 *                   at the centre of the image (13.5, 13.5), in whole pixels. */
#ifndef DIGIT_H
#define DIGIT_H

#include <stdio.h>

#include "pgm.h"

#define DIGIT_SIDE 28       /* MNIST's image */
#define DIGIT_BOX 20        /* MNIST's box for the digit itself */

/* What digit_prepare did, for printing. */
typedef struct {
    int inverted;                 /* the border was bright: dark ink, inverted */
    float border;                 /* the border's median, before inversion (0..1) */
    float background, ink;        /* the levels stretched to 0 and 1 (after inversion) */
    int no_ink;                   /* nothing stood out from the background */
    int box_top, box_left, box_rows, box_cols;   /* the ink's box in the picture */
    int scaled_rows, scaled_cols; /* its size in the 20x20 box */
    int moved_y, moved_x;         /* where the box landed in 28x28 (top, left) */
    double ink_share;             /* fraction of the 28x28 pixels brighter than 0.5 */
} digit_report;

/* Prepare a picture of any size (values 0..1, as pgm_load gives) as MNIST:
 * out is DIGIT_SIDE x DIGIT_SIDE bytes 0..255, white ink on black. Fills
 * *r. Returns 0, or -1 when memory runs out (out is then all 0). */
int digit_prepare(const pgm_image *in, unsigned char *out, digit_report *r);

/* What was done, one step a line ("  background: ...") */
void digit_report_print(FILE *out, const digit_report *r);

/* The picture scaled (area averaging, aspect kept) to fit side x side
 * bytes, centred, black around it: for showing it in the terminal. */
int digit_preview(const pgm_image *in, unsigned char *out, int side);

/* Reasons the prepared digit still does not look like MNIST's (no ink,
 * almost none, far too much), one line each starting "warning: "; the
 * number of lines written. */
int digit_warnings(FILE *out, const digit_report *r);

#endif
