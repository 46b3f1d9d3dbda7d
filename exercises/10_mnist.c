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
 *           Derive dL_n/dW and dL_n/db by the chain rule (lessons 07 and 08
 *           have the pieces). Add up the gradients of the whole batch FIRST,
 *           with the weights as they were; then move every weight and bias
 *           by -lr times the MEAN gradient over the batch. Return the mean
 *           loss (L_1 + ... + L_batch) / batch, measured before the step:
 *           with w = 0 and b = 0 every p is 1 / n_classes, so the first
 *           loss is ln 3 = 1.098612 for 3 classes.
 *   TODO 3  accuracy_and_confusion(labels, predicted, n, n_classes, confusion):
 *           the fraction of i with predicted[i] == labels[i], and the
 *           confusion matrix: set every entry to 0, then add 1 to
 *           confusion[labels[i] * n_classes + predicted[i]] for each i (row =
 *           the true class, column = the prediction; the diagonal is right).
 *
 * Check your work: make check EX=10    A hint, one level at a time: make hint EX=10
 * Start this exercise again from the original: make reset EX=10 (your file is kept as .bak) */
#include "10_mnist.h"

#include <math.h>
#include <stdlib.h>

/* TODO 1. The idea: An IDX file starts with a header: a magic number, then
 * the size of each dimension. Every number is 4 bytes, most significant byte
 * first (big-endian).
 * (make hint EX=10: the formula, then the code, one at a time) */
long read_idx_header(const unsigned char *bytes, long n, idx_header *h)
{
    return 0;
}

/* TODO 2. The idea: One step: forward every image of the batch, add up each
 * image's gradient, then move the weights once, by the MEAN gradient.
 * (make hint EX=10: the formula, then the code, one at a time) */
double train_step(double *w, double *b, const double *x, const int *labels, int batch,
                  int n_in, int n_classes, double lr)
{
    return 0;
}

/* TODO 3. The idea: Accuracy is the fraction of right answers; the confusion
 * matrix counts, for each true class, what the network answered.
 * (make hint EX=10: the formula, then the code, one at a time) */
double accuracy_and_confusion(const int *labels, const int *predicted, int n, int n_classes,
                              long *confusion)
{
    return 0;
}
