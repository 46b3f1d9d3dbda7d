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
 *           maps of h x w numbers into one grey picture, a grid of
 *           `columns` columns and grid_rows = ceil(count / columns) rows:
 *               rows_px = grid_rows * (h + border) + border
 *               cols_px = columns   * (w + border) + border
 *           Map k goes to grid row k / columns, grid column k % columns (row
 *           by row, as text is read); its number (y, x) is the pixel
 *               (border + (k / columns) * (h + border) + y,
 *                border + (k % columns) * (w + border) + x)
 *           of out (rows_px, cols_px), that is out[row * cols_px + col].
 *           Every other pixel (the border, and the empty places after the
 *           last map) is 255, white. The grey levels come from ONE scale
 *           for all the maps, with zero at mid-grey:
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
 *           Pick the winner c (the largest logit; the first on a tie). Then
 *           the chain rule from logit[c] back down to the image, one layer
 *           further than training needs:
 *               d logit[c] / d a[f][i][j] = dense_w[c][f][i][j]       (row c only)
 *               d logit[c] / d z[f][i][j] = that, where z > 0; else 0  (ReLU's gate)
 *               dx[i+u][j+v] += dz[f][i][j] * filters[f][u][v]         (every tap, lesson 06)
 *           Set dx to 0 first. Return c. Keep z from the forward pass
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
 * Check your work:  make check EX=14        The solution: solutions/14_what_it_sees.c */
#include "14_what_it_sees.h"

#include <math.h>
#include <stdlib.h>

/* TODO 1 */
void tile_grey(const double *maps, int count, int h, int w, int columns, int border, unsigned char *out)
{
    int grid_rows = (count + columns - 1) / columns;
    int rows_px = grid_rows * (h + border) + border, cols_px = columns * (w + border) + border;
    double M = 0;
    for (long i = 0; i < (long)count * h * w; i++)
        M = fabs(maps[i]) > M ? fabs(maps[i]) : M;
    for (long p = 0; p < (long)rows_px * cols_px; p++)
        out[p] = 255;                                          /* the border and the empty places */
    for (int k = 0; k < count; k++) {
        int top = border + (k / columns) * (h + border), left = border + (k % columns) * (w + border);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double v = maps[((long)k * h + y) * w + x];
                out[(long)(top + y) * cols_px + left + x] = (unsigned char)(M > 0 ? 128 + lround(127 * v / M) : 128);
            }
    }
}

/* TODO 2 */
int tiny_saliency(const tiny_net *net, const double *x, double *logits, double *dx)
{
    const int F = net->n_filters, k = net->k, oh = net->h - k + 1, ow = net->w - k + 1;
    double *z = malloc(sizeof(double) * (size_t)F * oh * ow);
    if (!z)
        return -1;
    for (int f = 0; f < F; f++)                               /* forward: conv */
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                double s = net->filter_bias[f];
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)
                        s += net->filters[(f * k + u) * k + v] * x[(i + u) * net->w + j + v];
                z[(f * oh + i) * ow + j] = s;
            }
    int c = 0;
    for (int cl = 0; cl < net->classes; cl++) {               /* forward: ReLU and dense */
        double s = net->dense_b[cl];
        for (int q = 0; q < F * oh * ow; q++)
            s += net->dense_w[(long)cl * F * oh * ow + q] * (z[q] > 0 ? z[q] : 0);
        logits[cl] = s;
        c = s > logits[c] ? cl : c;
    }
    for (int p = 0; p < net->h * net->w; p++)
        dx[p] = 0;
    for (int f = 0; f < F; f++)                               /* backward, for class c alone */
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                int q = (f * oh + i) * ow + j;
                double dz = z[q] > 0 ? net->dense_w[(long)c * F * oh * ow + q] : 0;   /* dense, then ReLU's gate */
                for (int u = 0; u < k; u++)
                    for (int v = 0; v < k; v++)               /* the conv: each tap sent back to its pixel */
                        dx[(i + u) * net->w + j + v] += dz * net->filters[(f * k + u) * k + v];
            }
    free(z);
    return c;
}

/* TODO 3 */
typedef struct {
    double confidence;
    int index;
} mistake;

static int more_confident_first(const void *a, const void *b)
{
    const mistake *x = a, *y = b;
    if (x->confidence != y->confidence)
        return x->confidence > y->confidence ? -1 : 1;
    return x->index - y->index;
}

int top_mistakes(const double *probs, const int *labels, int n, int classes, int k, int *out)
{
    mistake *all = malloc(sizeof(mistake) * (size_t)(n > 0 ? n : 1));
    int found = 0;
    if (!all)
        return 0;
    for (int i = 0; i < n; i++) {
        const double *p = probs + (long)i * classes;
        int answer = 0;
        for (int j = 1; j < classes; j++)
            answer = p[j] > p[answer] ? j : answer;
        if (answer != labels[i])
            all[found++] = (mistake){ p[answer], i };
    }
    qsort(all, (size_t)found, sizeof *all, more_confident_first);
    int kept = found < k ? found : k;
    for (int i = 0; i < kept; i++)
        out[i] = all[i].index;
    free(all);
    return kept;
}
