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

/* TODO 1 */
static unsigned long big_endian_u32(const unsigned char *b)
{
    return (unsigned long)b[0] << 24 | (unsigned long)b[1] << 16 | (unsigned long)b[2] << 8 | b[3];
}

long read_idx_header(const unsigned char *bytes, long n, idx_header *h)
{
    if (n < 4 || bytes[0] != 0 || bytes[1] != 0)
        return -1;
    h->magic = big_endian_u32(bytes);
    h->type = bytes[2];
    h->ndims = bytes[3];
    if (h->type != 0x08 || h->ndims < 1 || h->ndims > 3 || n < 4 + 4L * h->ndims)
        return -1;
    for (int d = 0; d < 3; d++)
        h->dims[d] = d < h->ndims ? big_endian_u32(bytes + 4 + 4 * d) : 0;
    return 4 + 4L * h->ndims;
}

/* TODO 2 */
/* Scores z (n_classes) of one image, then p = softmax(z) in place; returns -ln p[label]. */
static double forward_one(const double *w, const double *b, const double *x, int n_in, int n_classes,
                          int label, double *p)
{
    for (int j = 0; j < n_classes; j++)
        p[j] = b[j];
    for (int i = 0; i < n_in; i++)
        for (int j = 0; j < n_classes; j++)
            p[j] += w[i * n_classes + j] * x[i];
    double max = p[0], sum = 0;
    for (int j = 1; j < n_classes; j++)
        max = p[j] > max ? p[j] : max;
    for (int j = 0; j < n_classes; j++) {
        p[j] = exp(p[j] - max);
        sum += p[j];
    }
    for (int j = 0; j < n_classes; j++)
        p[j] /= sum;
    return -log(p[label]);
}

double train_step(double *w, double *b, const double *x, const int *labels, int batch,
                  int n_in, int n_classes, double lr)
{
    double *dw = calloc((size_t)n_in * n_classes, sizeof(double));
    double *db = calloc((size_t)n_classes, sizeof(double));
    double *p = calloc((size_t)n_classes, sizeof(double));
    double loss = 0;
    if (!dw || !db || !p) {
        free(dw);
        free(db);
        free(p);
        return NAN;
    }
    for (int n = 0; n < batch; n++) {
        const double *xn = x + (long)n * n_in;
        loss += forward_one(w, b, xn, n_in, n_classes, labels[n], p);
        for (int j = 0; j < n_classes; j++) {
            double dz = p[j] - (j == labels[n]);            /* dL/dz_j = p_j - y_j */
            db[j] += dz;                                     /* dz_j/db_j = 1 */
            for (int i = 0; i < n_in; i++)
                dw[i * n_classes + j] += xn[i] * dz;         /* dz_j/dW[i][j] = x[i] */
        }
    }
    for (long k = 0; k < (long)n_in * n_classes; k++)
        w[k] -= lr * dw[k] / batch;
    for (int j = 0; j < n_classes; j++)
        b[j] -= lr * db[j] / batch;
    free(dw);
    free(db);
    free(p);
    return loss / batch;
}

/* TODO 3 */
double accuracy_and_confusion(const int *labels, const int *predicted, int n, int n_classes,
                              long *confusion)
{
    long correct = 0;
    for (int k = 0; k < n_classes * n_classes; k++)
        confusion[k] = 0;
    for (int i = 0; i < n; i++) {
        confusion[labels[i] * n_classes + predicted[i]]++;
        correct += labels[i] == predicted[i];
    }
    return n > 0 ? (double)correct / n : 0;
}
