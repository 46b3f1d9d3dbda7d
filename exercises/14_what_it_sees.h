/* exercises/14_what_it_sees.h: the functions exercise 14 asks for.
 * Both exercises/14_what_it_sees.c (yours) and solutions/14_what_it_sees.c
 * define them; tests/exercise_14.c checks them. Do not change this file.
 *
 * Arrays are stored row by row: number (y, x) of an h x w map is at
 * y * w + x, and map k of a stack (count, h, w) starts at k * h * w. */
#ifndef EXERCISE_14_H
#define EXERCISE_14_H

/* Task 1: count maps of h x w numbers, tiled into one grey picture.
 *   maps  (count, h, w)
 *   out   (rows_px, cols_px) grey levels 0..255, OVERWRITTEN, where
 *           grid_rows = ceil(count / columns)
 *           rows_px   = grid_rows * (h + border) + border
 *           cols_px   = columns   * (w + border) + border
 *   Map k goes to grid row k / columns and grid column k % columns (row by
 *   row, as text is read), `border` white pixels around and between the maps.
 *   Every other pixel (the border, and the empty places after the last map) is 255.
 *   ONE grey scale for all the maps: M = the largest |number| of all of them,
 *       level = 128 + round(127 * v / M)          (0 -> 128 mid-grey, M -> 255, -M -> 1)
 *   and every number is 128 when M = 0. */
void tile_grey(const double *maps, int count, int h, int w, int columns, int border, unsigned char *out);

/* The tiny network of task 2: a conv layer of n_filters filters k x k
 * (valid, stride 1), ReLU, and a dense layer to `classes` logits:
 *   z[f][i][j] = filter_bias[f] + sum over u, v < k of filters[f][u][v] * x[i + u][j + v]
 *                                      (n_filters, oh, ow), oh = h - k + 1, ow = w - k + 1
 *   a[f][i][j] = max(0, z[f][i][j])    (ReLU)
 *   logit[c]   = dense_b[c] + sum over f, i, j of dense_w[c][f][i][j] * a[f][i][j]
 * with filters[f][u][v] = filters[(f * k + u) * k + v] and
 * dense_w[c][f][i][j] = dense_w[((c * n_filters + f) * oh + i) * ow + j]. */
typedef struct {
    int h, w;                     /* the image x (h, w)                       */
    int n_filters, k;             /* the conv layer                           */
    int classes;
    const double *filters;        /* (n_filters, k, k)                        */
    const double *filter_bias;    /* (n_filters)                              */
    const double *dense_w;        /* (classes, n_filters, oh, ow)             */
    const double *dense_b;        /* (classes)                                */
} tiny_net;

/* Task 2: the saliency map of image x (h, w) for the tiny network. Forward x
 * to its logits (classes, OVERWRITTEN), take the winning class c (the
 * largest logit; the first on a tie), and write dx (h, w), OVERWRITTEN,
 * = d logit[c] / dx: the chain rule from logit[c] back through the dense
 * layer, ReLU and the conv layer, down to the image. Returns c. */
int tiny_saliency(const tiny_net *net, const double *x, double *logits, double *dx);

/* Task 3: where a network is most confidently wrong.
 *   probs   (n, classes): image i's probabilities are probs[i * classes + j]
 *   labels  (n)
 * Image i is a mistake when its answer (the class of largest probability;
 * the first on a tie) is not labels[i]; its confidence is the probability
 * of that answer. Write the indices of the k most confident mistakes into
 * out (k), most confident first (equal confidence: the smaller index
 * first), and return how many were written: k, or fewer when there are
 * fewer mistakes. */
int top_mistakes(const double *probs, const int *labels, int n, int classes, int k, int *out);

#endif
