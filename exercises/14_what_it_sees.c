/* Exercise 14: what the network sees: feature maps as a picture, a
 * saliency map, the most confident mistakes.
 *
 * Lesson 14 (build/lessons/14_what_it_sees, notes/14_what_it_sees.md) draws
 * a trained network's filters and feature maps, differentiates its answer
 * with respect to the image, and finds the test digits it gets wrong with
 * the most confidence. Here you write the core of each, small enough to
 * check by hand. Arrays are stored row by row: number (y, x) of an h x w
 * map is at y * w + x, and map k of a stack (count, h, w) starts at k * h * w.
 *
 *   TODO 1  tile_grey(maps, count, h, w, columns, border, out): put count
 *           maps of h x w numbers into one grey picture out (rows_px,
 *           cols_px), a grid of `columns` columns and grid_rows =
 *           ceil(count / columns) rows, with `border` white pixels around and
 *           between the maps:
 *               rows_px = grid_rows * (h + border) + border
 *               cols_px = columns   * (w + border) + border
 *           Map k goes to grid row k / columns, grid column k % columns (row
 *           by row, as text is read). Every other pixel (the border, and the
 *           empty places after the last map) is 255, white. The grey levels
 *           come from ONE scale for all the maps, with zero at mid-grey:
 *               M = the largest |number| of all the maps
 *               level = 128 + round(127 * v / M)   (0 -> 128, M -> 255, -M -> 1)
 *           and every level is 128 when M = 0. Three maps of 2 x 3 in two
 *           columns with a border of 1 make a 7 x 9 picture; the third map
 *           starts at pixel (4, 1), and (4, 5) .. (5, 7) stay white.
 *   TODO 2  tiny_saliency(net, x, logits, dx): the saliency map of image x
 *           (h, w) for the tiny network of the header: a conv layer of F
 *           filters k x k (valid, stride 1), ReLU, a dense layer to the
 *           logits. Forward:
 *               z[f][i][j] = filter_bias[f] + sum_{u,v} filters[f][u][v] * x[i+u][j+v]
 *               a = max(0, z)
 *               logit[c] = dense_b[c] + sum_{f,i,j} dense_w[c][f][i][j] * a[f][i][j]
 *           Pick the winner c (the largest logit; the first on a tie), and
 *           write dx (h, w) = d logit[c] / dx, OVERWRITTEN: derive it by the
 *           chain rule from logit[c] back down to the image, one layer
 *           further than training needs (lessons 04, 06 and 07 have the
 *           pieces). Return c. The checker compares your dx with central
 *           differences of your own logit[c]. Keep z from the forward pass
 *           (malloc room for n_filters * oh * ow numbers; free it).
 *   TODO 3  top_mistakes(probs, labels, n, classes, k, out): image i's
 *           probabilities are probs[i * classes + j]; its answer is the
 *           class of the largest (the first on a tie). It is a mistake when
 *           the answer is not labels[i], and its confidence is the
 *           probability of that (wrong) answer. Write the indices of the k
 *           most confident mistakes into out, largest confidence first (a
 *           tie: the smaller index first), and return how many you wrote:
 *           k, or fewer when there are fewer mistakes.
 *
 * Check your work: make check EX=14    A hint, one level at a time: make hint EX=14
 * Start this exercise again from the original: make reset EX=14 (your file is kept as .bak) */
#include "14_what_it_sees.h"

#include <math.h>
#include <stdlib.h>

/* TODO 1. The idea: One scale for every map (the largest |number| of all),
 * zero at mid-grey; map k at grid row k / columns, column k % columns.
 * (make hint EX=14: the formula, then the code, one at a time) */
void tile_grey(const double *maps, int count, int h, int w, int columns, int border, unsigned char *out)
{
}

/* TODO 2. The idea: Training's backward pass, started from d logit[c] /
 * d logits = onehot(c) and carried one layer further: through the conv, to
 * the image.
 * (make hint EX=14: the formula, then the code, one at a time) */
int tiny_saliency(const tiny_net *net, const double *x, double *logits, double *dx)
{
    return 0;
}

/* TODO 3. The idea: Keep only the mistakes, then sort them by the
 * probability of the (wrong) answer, largest first.
 * (make hint EX=14: the formula, then the code, one at a time) */
int top_mistakes(const double *probs, const int *labels, int n, int classes, int k, int *out)
{
    return 0;
}
