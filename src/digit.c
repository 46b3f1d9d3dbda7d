/* digit.c: see digit.h. */
#include "digit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEVELS 4096                 /* histogram bins for percentiles */
#define INK_THRESHOLD 0.3f          /* after the stretch: ink for the bounding box */
#define MIN_CONTRAST 0.1f           /* ink - background below this: no ink */

/* ---------------------------------------------------------------- levels */

/* The p-quantile (0..1) of n values in [0, 1], from a histogram: the level
 * below which a fraction p of them lie. */
static float quantile(const float *v, size_t n, double p)
{
    unsigned long count[LEVELS] = { 0 };
    for (size_t i = 0; i < n; i++)
        count[(int)(v[i] * (LEVELS - 1) + 0.5f)]++;
    double want = p * (double)n, seen = 0;
    for (int b = 0; b < LEVELS; b++) {
        seen += (double)count[b];
        if (seen >= want)
            return (float)b / (LEVELS - 1);
    }
    return 1;
}

/* The border pixels (the outer frame, one pixel wide) into a new array. */
static float *border_of(const pgm_image *in, size_t *n)
{
    int h = in->rows, w = in->cols;
    float *b = calloc(2 * (size_t)w + 2 * (size_t)h, sizeof(float));
    *n = 0;
    if (b == NULL)
        return NULL;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (y == 0 || y == h - 1 || x == 0 || x == w - 1)
                b[(*n)++] = in->pixels[(size_t)y * w + x];
    return b;
}

/* Steps 1 and 2: v (n, a copy of the picture) becomes ink 1 on background 0. */
static int stretch(const pgm_image *in, float *v, digit_report *r)
{
    size_t nb, n = (size_t)in->rows * in->cols;
    float *border = border_of(in, &nb);
    if (border == NULL)
        return -1;
    r->border = quantile(border, nb, 0.5);
    float darkest = quantile(in->pixels, n, 0.01), brightest = quantile(in->pixels, n, 0.99);
    r->inverted = r->border - darkest > brightest - r->border;   /* the ink is darker than the paper */
    for (size_t i = 0; i < nb; i++)
        border[i] = r->inverted ? 1 - border[i] : border[i];
    for (size_t i = 0; i < n; i++)
        v[i] = r->inverted ? 1 - in->pixels[i] : in->pixels[i];
    r->background = quantile(border, nb, 0.9);
    r->ink = quantile(v, n, 0.99);
    free(border);
    r->no_ink = r->ink - r->background < MIN_CONTRAST;
    float range = r->no_ink ? 1 : r->ink - r->background;
    for (size_t i = 0; i < n; i++) {
        float s = (v[i] - r->background) / range;
        v[i] = s < 0 ? 0 : s > 1 ? 1 : s;
    }
    return 0;
}

/* ---------------------------------------------------------------- geometry */

/* Step 3: the bounding box of the pixels above INK_THRESHOLD (the whole
 * picture when there are none). */
static void ink_box(const float *v, int h, int w, digit_report *r)
{
    int top = h, bottom = -1, left = w, right = -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (v[(size_t)y * w + x] > INK_THRESHOLD) {
                top = y < top ? y : top;
                bottom = y > bottom ? y : bottom;
                left = x < left ? x : left;
                right = x > right ? x : right;
            }
    if (bottom < 0) {
        top = 0, left = 0, bottom = h - 1, right = w - 1;
    }
    r->box_top = top;
    r->box_left = left;
    r->box_rows = bottom - top + 1;
    r->box_cols = right - left + 1;
}

/* out[i * out_step] (n_out) = the mean of in[j * in_step] (n_in) over the
 * stretch [i * s, (i + 1) * s) with s = n_in / n_out, counting the pixels
 * at its two ends by the part of them it covers: area averaging in 1-D. */
static void resample_line(const float *in, int n_in, size_t in_step, float *out, int n_out, size_t out_step)
{
    double s = (double)n_in / n_out;
    for (int i = 0; i < n_out; i++) {
        double from = i * s, to = (i + 1) * s, sum = 0;
        for (int j = (int)from; j < n_in && j < to; j++) {
            double lo = j > from ? j : from, hi = j + 1 < to ? j + 1 : to;
            sum += (hi - lo) * in[(size_t)j * in_step];
        }
        out[(size_t)i * out_step] = (float)(sum / s);
    }
}

/* dst (dh, dw) = src (sh, sw, row stride src_stride) by area averaging:
 * rows first, then columns (the box filter is separable). */
static int resample(const float *src, int sh, int sw, size_t src_stride, float *dst, int dh, int dw)
{
    float *tmp = malloc(sizeof(float) * (size_t)sh * dw);   /* (sh, dw) */
    if (tmp == NULL)
        return -1;
    for (int y = 0; y < sh; y++)
        resample_line(src + (size_t)y * src_stride, sw, 1, tmp + (size_t)y * dw, dw, 1);
    for (int x = 0; x < dw; x++)
        resample_line(tmp + x, sh, (size_t)dw, dst + x, dh, (size_t)dw);
    free(tmp);
    return 0;
}

/* Step 4's size: the box (rows, cols) scaled so its longer side is `fit`. */
static void fit_size(int rows, int cols, int fit, int *out_rows, int *out_cols)
{
    double scale = (double)fit / (rows > cols ? rows : cols);
    *out_rows = (int)lround(rows * scale);
    *out_cols = (int)lround(cols * scale);
    *out_rows = *out_rows < 1 ? 1 : *out_rows;
    *out_cols = *out_cols < 1 ? 1 : *out_cols;
}

/* Step 5: the centre of mass (cy, cx) of v (h, w); the middle when empty. */
static void centre_of_mass(const float *v, int h, int w, double *cy, double *cx)
{
    double mass = 0, sy = 0, sx = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double m = v[(size_t)y * w + x];
            mass += m;
            sy += m * y;
            sx += m * x;
        }
    *cy = mass > 0 ? sy / mass : (h - 1) / 2.0;
    *cx = mass > 0 ? sx / mass : (w - 1) / 2.0;
}

/* out (side x side bytes) = v (h, w) placed with its top-left at (top, left), clipped. */
static void place(const float *v, int h, int w, int top, int left, unsigned char *out, int side)
{
    memset(out, 0, (size_t)side * side);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int oy = top + y, ox = left + x;
            if (oy >= 0 && oy < side && ox >= 0 && ox < side)
                out[oy * side + ox] = (unsigned char)lroundf(v[(size_t)y * w + x] * 255);
        }
}

/* ---------------------------------------------------------------- the steps */

int digit_prepare(const pgm_image *in, unsigned char *out, digit_report *r)
{
    size_t n = (size_t)in->rows * in->cols;
    memset(r, 0, sizeof *r);
    memset(out, 0, DIGIT_SIDE * DIGIT_SIDE);
    float *v = calloc(n, sizeof(float)), *box = calloc(DIGIT_BOX * DIGIT_BOX, sizeof(float));
    int rc = -1;
    if (v != NULL && box != NULL && stretch(in, v, r) == 0) {                  /* steps 1, 2 */
        ink_box(v, in->rows, in->cols, r);                                       /* step 3 */
        fit_size(r->box_rows, r->box_cols, DIGIT_BOX, &r->scaled_rows, &r->scaled_cols);
        const float *corner = v + (size_t)r->box_top * in->cols + r->box_left;
        if (resample(corner, r->box_rows, r->box_cols, (size_t)in->cols, box,    /* step 4 */
                     r->scaled_rows, r->scaled_cols) == 0) {
            double cy, cx;
            centre_of_mass(box, r->scaled_rows, r->scaled_cols, &cy, &cx);       /* step 5 */
            r->moved_y = (int)lround((DIGIT_SIDE - 1) / 2.0 - cy);
            r->moved_x = (int)lround((DIGIT_SIDE - 1) / 2.0 - cx);
            place(box, r->scaled_rows, r->scaled_cols, r->moved_y, r->moved_x, out, DIGIT_SIDE);
            long bright = 0;
            for (int i = 0; i < DIGIT_SIDE * DIGIT_SIDE; i++)
                bright += out[i] > 127;
            r->ink_share = (double)bright / (DIGIT_SIDE * DIGIT_SIDE);
            rc = 0;
        }
    }
    free(v);
    free(box);
    return rc;
}

int digit_preview(const pgm_image *in, unsigned char *out, int side)
{
    int rows, cols;
    fit_size(in->rows, in->cols, side, &rows, &cols);
    float *small = malloc(sizeof(float) * (size_t)rows * cols);
    if (small == NULL || resample(in->pixels, in->rows, in->cols, (size_t)in->cols, small, rows, cols) != 0) {
        free(small);
        memset(out, 0, (size_t)side * side);
        return -1;
    }
    place(small, rows, cols, (side - rows) / 2, (side - cols) / 2, out, side);
    free(small);
    return 0;
}

void digit_report_print(FILE *out, const digit_report *r)
{
    fprintf(out, "  1. background: the border's median is %.2f and the ink is %s\n", (double)r->border,
            r->inverted ? "darker: inverted to white on black, like MNIST" : "brighter, like MNIST: not inverted");
    fprintf(out, "  2. contrast: %.2f (background) .. %.2f (ink) stretched to 0 .. 1%s\n", (double)r->background,
            (double)r->ink, r->no_ink ? " (hardly any difference: no ink found)" : "");
    fprintf(out, "  3. cropped to the ink: %d x %d pixels (width x height) at column %d, row %d\n", r->box_cols,
            r->box_rows, r->box_left, r->box_top);
    fprintf(out, "  4. scaled to %d x %d to fit MNIST's 20 x 20 box, keeping its aspect ratio\n", r->scaled_cols,
            r->scaled_rows);
    fprintf(out, "  5. centred in 28 x 28 by its centre of mass (placed at column %d, row %d)\n", r->moved_x,
            r->moved_y);
}

int digit_warnings(FILE *out, const digit_report *r)
{
    int lines = 0;
    if (r->no_ink) {
        fprintf(out, "warning: nothing stands out from the background: is there a digit in the picture?\n");
        lines++;
    } else if (r->ink_share < 0.03) {
        fprintf(out, "warning: almost no ink (%.1f%% of the pixels; MNIST digits have about 10-20%%): "
                "a thin or faint digit reads badly, draw it thicker\n", 100 * r->ink_share);
        lines++;
    } else if (r->ink_share > 0.45) {
        fprintf(out, "warning: a lot of ink (%.0f%% of the pixels; MNIST digits have about 10-20%%): "
                "is the background what the border shows?\n", 100 * r->ink_share);
        lines++;
    }
    return lines;
}
