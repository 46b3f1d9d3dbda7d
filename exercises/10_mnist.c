/* Exercise 10: read MNIST's file format, train a step, score the result.
 *
 * Lesson 10 (build/lessons/10_mnist, notes/10_mnist.md) trains a
 * convolutional network on MNIST. Here you write three of its pieces, small
 * enough to check by hand, on a tiny data set the checks make up themselves.
 *
 *   TODO 1  read_idx_header(bytes, n, h): an IDX file starts with a 4-byte
 *           magic number 00 00 TT DD: two zero bytes, the type TT (0x08 =
 *           unsigned byte) and the number of dimensions DD. Then DD sizes,
 *           each a 4-byte BIG-endian unsigned number (most significant byte
 *           first): the value of the bytes b0 b1 b2 b3 is
 *               (b0 << 24) | (b1 << 16) | (b2 << 8) | b3.
 *           MNIST's training images start 00 00 08 03 | 00 00 EA 60 |
 *           00 00 00 1C | 00 00 00 1C: magic 0x00000803, 60000 images of
 *           28 x 28. Fill h (magic, type, ndims, dims; unused dims 0) and
 *           return the header's length 4 + 4 * ndims; return -1 if n < 4,
 *           bytes 0 or 1 are not 0, the type is not 0x08, ndims is not 1..3,
 *           or n < 4 + 4 * ndims (a truncated header).
 *   TODO 2  train_step(w, b, x, labels, batch, n_in, n_classes, lr): one step
 *           of mini-batch gradient descent for a softmax classifier (the
 *           dense -> softmax -> cross-entropy end of lesson 10's network).
 *           For each image x_n (n_in numbers) with label y_n:
 *               z_j = b_j + sum_i W[i][j] x_n[i]          W[i][j] = w[i * n_classes + j]
 *               p = softmax(z)   (subtract max z first: lesson 08)
 *               L_n = -ln p[y_n]
 *               dL_n/dz_j = p_j - [j == y_n]               (lesson 08)
 *               dL_n/dW[i][j] = x_n[i] * dL_n/dz_j          dL_n/db_j = dL_n/dz_j
 *           Add up the gradients of the whole batch FIRST, with the weights
 *           as they were; then, for every weight and bias,
 *               w -= lr * (sum of gradients) / batch
 *           Return the mean loss (L_1 + ... + L_batch) / batch, measured
 *           before the step.
 *   TODO 3  accuracy_and_confusion(labels, predicted, n, n_classes, confusion):
 *           the fraction of i with predicted[i] == labels[i], and the
 *           confusion matrix: set every entry to 0, then add 1 to
 *           confusion[labels[i] * n_classes + predicted[i]] for each i (row =
 *           the true class, column = the prediction; the diagonal is right).
 *
 * Check your work:  make check EX=10        The solution: solutions/10_mnist.c */
#include "10_mnist.h"

#include <math.h>
#include <stdlib.h>

/* TODO 1. Hint: first the checks that need only bytes 0..3 (n >= 4, two
 * zero bytes, type 0x08, ndims 1..3), then the length check; a helper
 * big_endian(b) = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3] (as
 * unsigned long) reads the magic and every dimension. Reading the bytes
 * the other way round (b[0] lowest) is little-endian: 60000 would come out
 * as 0x60EA0000. */
long read_idx_header(const unsigned char *bytes, long n, idx_header *h)
{
    return 0;
}

/* TODO 2. Hint: calloc zeroed dW (n_in * n_classes), dB (n_classes) and p
 * (n_classes) (return NAN if one is NULL); for each image compute z, p and
 * its loss, then add x[i] * (p_j - y_j) into dW[i][j] and (p_j - y_j) into
 * dB[j]. Only after the loop: w[k] -= lr * dW[k] / batch (and the same for
 * b). Free the buffers. */
double train_step(double *w, double *b, const double *x, const int *labels, int batch,
                  int n_in, int n_classes, double lr)
{
    return 0;
}

/* TODO 3. Hint: zero all n_classes * n_classes entries first (the caller's
 * array may hold anything); the row index is the TRUE label. Count the
 * correct answers in a long and divide as doubles: (double)correct / n. */
double accuracy_and_confusion(const int *labels, const int *predicted, int n, int n_classes,
                              long *confusion)
{
    return 0;
}
