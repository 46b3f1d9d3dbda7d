/* inspect.h: looking inside a trained network (lesson 14, "what the network
 * sees"): which layers' outputs are its feature maps and how much of the
 * image each of their numbers sees, what a first-layer filter responds to,
 * the saliency map of an image, and the test images it gets wrong with the
 * most confidence. The pictures themselves are src/picture.h's.
 *
 * The network is a sequential model (src/sequential.h) run in test mode
 * (sequential_model.training = 0: dropout passes everything, batchnorm uses
 * its running averages), as it answers after training. */
#ifndef INSPECT_H
#define INSPECT_H

#include <stddef.h>

#include "mnist.h"
#include "real.h"
#include "sequential.h"

/* ---------------------------------------------------------------- the feature maps */

/* The layers whose outputs are shown as feature maps, in order, into shown
 * (at most max); returns how many. For each conv layer the last layer of
 * its run "conv [batchnorm] [relu | sigmoid | tanh]" (what the next layer
 * reads, as Keras's Conv2D(activation=...) outputs it), and every pooling
 * layer. */
int feature_map_layers(const sequential *m, int *shown, int max);

/* A title for layer i's output as feature maps, e.g. "conv 1 (16 filters
 * 2x2) + relu: 28x28x16" or "maxpool 2 (2x2): 5x5x256" (height x width x
 * channels, as the sources write shapes). */
void feature_map_title(const sequential *m, int i, char *out, size_t size);

/* The receptive field of one number of layer i's output: a size x size
 * patch of the image, and `jump` image pixels between the patches of
 * neighbouring numbers. Layer by layer, from size 1 and jump 1 at the
 * image: a window of k with stride s (conv, pooling) gives
 *     size += (k - 1) * jump,   jump *= s;
 * element-wise layers change nothing; flatten and dense see the whole
 * image (size = the larger side of the image). Padding moves a patch
 * but does not change its size. */
void receptive_field(const sequential *m, int i, int *size, int *jump);

/* ---------------------------------------------------------------- the first layer's filters */

/* What a k x k filter w (k, k) responds to: the share of its energy
 * (the sum of w^2) along each of four orthogonal patterns p,
 * share = (w . p)^2 / ((p . p) (w . w)):
 *     shares[0]  flat        every tap +1: how it answers plain brightness
 *     shares[1]  vertical    +1 left of the middle column, -1 right of it: a vertical edge
 *     shares[2]  horizontal  +1 above the middle row, -1 below: a horizontal edge
 *     shares[3]  diagonal    the product of the two (opposite corners alike)
 * (an odd k's middle row and column are 0 in the last three). For 2x2 the
 * four are a basis (Haar's) and the shares add up to 1; for larger filters
 * the rest is finer detail (thin lines, spots). All 0 for a zero filter. */
void filter_shares(const real *w, int k, double shares[4]);

/* ---------------------------------------------------------------- saliency */

/* Which number of the winning class the saliency map differentiates:
 *   SCORE_LOGIT     z_c, the logit (the softmax's input): what the network
 *                   adds up as evidence for class c (Simonyan et al. 2013);
 *   SCORE_LOG_PROB  ln p_c = z_c - ln sum_j e^{z_j}: evidence for c AND
 *                   against the others; its gradient dz_c - sum_j p_j dz_j
 *                   fades as p_c -> 1 (a confident answer hardly changes). */
typedef enum { SCORE_LOGIT, SCORE_LOG_PROB } score_kind;

/* The saliency map of one image x (in_c, in_h, in_w) for class c: the
 * gradient of its score with respect to every pixel, OVERWRITTEN into
 * dinput (in_c, in_h, in_w), computed by the network's own backward pass
 * (sequential_backward) from dscore/dlogits = onehot(c) (logit) or
 * onehot(c) - p (log-probability), carried one step further than training
 * needs: down to the image. net must be in test mode; b has room for at
 * least 1 image; grad (n_params) is room for the parameters' gradients the
 * backward pass computes on the way (OVERWRITTEN, then of no use). Fills
 * b->probs (classes); returns the score. */
double saliency_map(const sequential_model *net, sequential_batch *b, const real *x, int c, score_kind kind,
                    real *grad, real *dinput);

/* The score's slope at every pixel, measured instead of derived: each
 * pixel p nudged by +h and by -h (one image each, b->capacity images to a
 * forward pass), and
 *     right[p] = (score(x + h e_p) - score(x)) / h
 *     left[p]  = (score(x) - score(x - h e_p)) / h.
 * Where nothing switches within +-h both are the saliency map's value
 * (up to O(h) for the log-probability, and the rounding of real). Where a
 * ReLU or a max pooling window changes its mind within +-h (a kink: at a
 * tie, a max-pooling window of four equal numbers, it sits exactly at x)
 * the two differ, and the backward pass gives one of them or neither.
 * x (in_c, in_h, in_w); scratch (b->capacity, in_c, in_h, in_w) is room;
 * net in test mode; b->capacity >= 2. right, left (in_c, in_h, in_w)
 * OVERWRITTEN. */
void score_slopes(const sequential_model *net, sequential_batch *b, const real *x, int c, score_kind kind,
                  double h, real *scratch, double *right, double *left);

/* ---------------------------------------------------------------- where the network is wrong */

/* The images the network gets wrong with the most confidence. probs
 * (n, classes): each image's probabilities; labels (n). An image is a
 * mistake when its answer (the most probable class, the first on a tie)
 * is not its label; its confidence is the probability of that answer.
 * Writes the indices of up to k mistakes into out (k), most confident
 * first (a tie: the smaller index first); returns how many (fewer than k
 * when there are fewer mistakes). */
int confident_mistakes(const real *probs, const int *labels, int n, int classes, int k, int *out);

/* The probabilities probs (count, classes) of images [0, count) of a set,
 * OVERWRITTEN, through the runner's network in test mode, max_batch
 * images at a time (the runner's shards, on its threads). x (max_batch,
 * rows, cols) and batch_labels (max_batch) are room. Returns the number
 * of images classified right. */
long set_probabilities(sequential_runner *r, const image_set *images, const label_set *labels, int count,
                       real *x, int *batch_labels, real *probs);

#endif
