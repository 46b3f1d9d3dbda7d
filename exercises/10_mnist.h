/* exercises/10_mnist.h: the functions exercise 10 asks for.
 * Both exercises/10_mnist.c (yours) and solutions/10_mnist.c define them;
 * tests/exercise_10.c checks them. Do not change this file. */
#ifndef EXERCISE_10_H
#define EXERCISE_10_H

/* An IDX file's header (notes/10_mnist.md, "The data"). */
typedef struct {
    unsigned long magic;     /* bytes 0..3 read as ONE big-endian number: 0x00000803 images, 0x00000801 labels */
    int type;                /* byte 2: 0x08 means the data are unsigned bytes */
    int ndims;               /* byte 3: how many dimensions follow (1 to 3) */
    unsigned long dims[3];   /* ndims big-endian uint32s: (count) or (count, rows, cols); unused ones 0 */
} idx_header;

/* Task 1: parse the header at the start of bytes[0 .. n). Returns its length
 * in bytes, 4 + 4 * ndims (16 for images, 8 for labels), or -1 when the file
 * cannot be an IDX file of bytes: fewer than 4 bytes, bytes 0 and 1 not both
 * 0, type not 0x08, ndims not 1 to 3, or fewer than 4 + 4 * ndims bytes. */
long read_idx_header(const unsigned char *bytes, long n, idx_header *h);

/* Task 2: one step of gradient descent on a batch for a softmax classifier,
 * the last two layers of lesson 10's network:
 *   x (batch, n_in)          the images, one row each
 *   w (n_in, n_classes)      W[i][j] = w[i * n_classes + j]       b (n_classes)
 *   z = W^T x + b            (n_classes) scores of one image
 *   p = softmax(z)           L = -ln p[label]
 * Every parameter moves by -lr times the MEAN gradient over the batch.
 * Returns the mean loss of the batch BEFORE the step. */
double train_step(double *w, double *b, const double *x, const int *labels, int batch,
                  int n_in, int n_classes, double lr);

/* Task 3: how often predicted[i] == labels[i], as a fraction 0..1, and the
 * confusion matrix (n_classes, n_classes), OVERWRITTEN:
 * confusion[t * n_classes + p] = how many images of true class t were
 * predicted as p (rows: the truth, columns: the prediction). */
double accuracy_and_confusion(const int *labels, const int *predicted, int n, int n_classes,
                              long *confusion);

#endif
