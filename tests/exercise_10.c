/* tests/exercise_10.c: the checks for exercise 10 (MNIST's format, a training
 * step, accuracy and the confusion matrix). Built against solutions/10_mnist.c
 * by `make test` and against exercises/10_mnist.c by `make check EX=10`.
 * No download needed: the data set is a tiny IDX file made here.
 *
 * The reference code (the EXERCISE_REFERENCE blocks) is the
 * instructor's: make expected stores what it computes in
 * tests/expected/exercise_10.txt (STORED_VALUES), make test checks the file
 * against it, and the handout has it cut out and reads the file instead. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "10_mnist.h"
#include "exercise.h"
#include "gradcheck.h"

/* ---------------------------------------------------------------- a tiny IDX data set */

#define N_IMAGES 24
#define SIDE 4
#define N_IN (SIDE * SIDE)
#define N_CLASSES 3

static unsigned char image_file[16 + N_IMAGES * N_IN];   /* header + pixels */
static unsigned char label_file[8 + N_IMAGES];

static void put_big_endian(unsigned char *b, unsigned long v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* Image k shows a bright horizontal bar: row 0 (class 0), rows 1-2 (class 1)
 * or row 3 (class 2), over a faint deterministic speckle. */
static void make_data_set(void)
{
    put_big_endian(image_file, 0x00000803);
    put_big_endian(image_file + 4, N_IMAGES);
    put_big_endian(image_file + 8, SIDE);
    put_big_endian(image_file + 12, SIDE);
    put_big_endian(label_file, 0x00000801);
    put_big_endian(label_file + 4, N_IMAGES);
    unsigned speckle = 12345;
    for (int k = 0; k < N_IMAGES; k++) {
        int label = k % N_CLASSES;
        label_file[8 + k] = (unsigned char)label;
        for (int p = 0; p < N_IN; p++) {
            int row = p / SIDE;
            int bright = (label == 0 && row == 0) || (label == 1 && (row == 1 || row == 2)) || (label == 2 && row == 3);
            speckle = speckle * 1103515245u + 12345u;
            image_file[16 + k * N_IN + p] = (unsigned char)(bright ? 200 + speckle % 56 : speckle % 60);
        }
    }
}

/* ---------------------------------------------------------------- task 1 */

static int header_is(const idx_header *h, unsigned long magic, int ndims, unsigned long d0, unsigned long d1,
                     unsigned long d2)
{
    return h->magic == magic && h->type == 8 && h->ndims == ndims && h->dims[0] == d0 && h->dims[1] == d1
        && h->dims[2] == d2;
}

static void expect_rejected(const unsigned char *bytes, long n, const char *what, const char *why)
{
    idx_header h = { 0, 0, 0, { 0, 0, 0 } };
    long got = CALL(read_idx_header(bytes, n, &h));
    if (got != -1)
        task_diagnose("%s was accepted (returned %ld): %s", what, got, why);
    task_expect_int(what, -1, got);
}

static void task_idx_header(void)
{
    task_begin(1, "parse an IDX header (big-endian)",
               HINTS("An IDX file starts with a header: a magic number, then the size of each"
                     " dimension. Every number is 4 bytes, most significant byte first "
                     "(big-endian).",
                     "value = b0 * 2^24 + b1 * 2^16 + b2 * 2^8 + b3; header length = 4 + 4 * "
                     "ndims; byte 2 is the type, byte 3 is ndims.",
                     "the value of the bytes b0 b1 b2 b3 is (b0 << 24) | (b1 << 16) | (b2 << "
                     "8) | b3; the header is 4 + 4 * ndims bytes long. First the checks that "
                     "need only bytes 0..3 (n >= 4, two zero bytes, type 0x08, ndims 1..3), "
                     "then the length check; a helper big_endian(b) = (b[0] << 24) | (b[1] <<"
                     " 16) | (b[2] << 8) | b[3] (as unsigned long) reads the magic and every "
                     "dimension. Reading the bytes the other way round (b[0] lowest) is "
                     "little-endian: 60000 would come out as 0x60EA0000."));
    static const unsigned char mnist_train[20] = { 0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, 0, 0, 0, 0 };
    idx_header h = { 0, 0, 0, { 0, 0, 0 } };
    long len = CALL(read_idx_header(mnist_train, 20, &h));
    if (h.magic == 0x03080000ul)
        task_diagnose("magic read as little-endian: 0x03080000; the FIRST byte is the most significant");
    if (h.dims[0] == 0x60EA0000ul)
        task_diagnose("60000 read as little-endian gives 0x60EA0000 = %lu: the dimensions are big-endian too",
                      0x60EA0000ul);
    if (h.magic == 0x803 && h.dims[0] == 28 && h.dims[1] == 28)
        task_diagnose("dims start one word late: the first dimension is at byte 4, right after the magic");
    if (len == 12 || len == 16 + 4)
        task_diagnose("returned length %ld: the header is 4 (magic) + 4 * ndims bytes = 16 for images", len);
    task_expect_int("length of MNIST's training-image header", 16, len);
    task_expect_int("magic (0x803 = 2051)", 0x803, (long)h.magic);
    task_expect_int("type (0x08: unsigned bytes)", 8, h.type);
    task_expect_int("ndims", 3, h.ndims);
    task_expect_int("dims[0]: count", 60000, (long)h.dims[0]);
    task_expect_int("dims[1]: rows", 28, (long)h.dims[1]);
    task_expect_int("dims[2]: cols", 28, (long)h.dims[2]);

    idx_header l = { 0, 0, 0, { 9, 9, 9 } };
    long label_len = CALL(read_idx_header(label_file, (long)sizeof label_file, &l));
    task_expect_int("length of the tiny set's label header", 8, label_len);
    if (!header_is(&l, 0x801, 1, N_IMAGES, 0, 0))
        task_diagnose("the label header (00 00 08 01 | 00 00 00 18) should give magic 0x801, 1 dimension (24), "
                      "and dims[1] = dims[2] = 0; got magic 0x%lx, %d dims, (%lu, %lu, %lu)",
                      l.magic, l.ndims, l.dims[0], l.dims[1], l.dims[2]);
    idx_header i = { 0, 0, 0, { 0, 0, 0 } };
    CALL(read_idx_header(image_file, (long)sizeof image_file, &i));
    if (!header_is(&i, 0x803, 3, N_IMAGES, SIDE, SIDE))
        task_diagnose("the tiny image set (24 images of 4x4) parsed as magic 0x%lx, %d dims, (%lu, %lu, %lu)",
                      i.magic, i.ndims, i.dims[0], i.dims[1], i.dims[2]);

    static const unsigned char pgm[16] = { 'P', '5', '\n', '2', '8', ' ', '2', '8', '\n', '2', '5', '5', '\n', 0, 0, 0 };
    static const unsigned char floats[16] = { 0, 0, 0x0D, 1, 0, 0, 0, 3 };
    static const unsigned char no_dims[16] = { 0, 0, 8, 0 };
    static const unsigned char four_dims[32] = { 0, 0, 8, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    expect_rejected(mnist_train, 3, "a 3-byte file", "a magic number needs 4 bytes; check n first");
    expect_rejected(pgm, 16, "a PGM image (starts 'P5')", "bytes 0 and 1 of an IDX file are both 0");
    expect_rejected(floats, 16, "type 0x0D (floats)", "this reader handles type 0x08 (unsigned bytes) only");
    expect_rejected(no_dims, 16, "ndims 0", "an IDX file has 1 to 3 dimensions here");
    expect_rejected(four_dims, 32, "ndims 4", "an IDX file has 1 to 3 dimensions here");
    expect_rejected(mnist_train, 12, "a 12-byte image header (3 dims need 16)",
                    "check n >= 4 + 4 * ndims BEFORE reading the dimensions: reading past the end "
                    "of the buffer is how a truncated file crashes a loader");
    task_end();
}

/* ---------------------------------------------------------------- task 2: the reference */

#define B 3
#define IN 4
#define K 3

static const double x0[B * IN] = { 0.5, -1.0, 2.0, 0.0,   1.5, 0.25, -0.5, 1.0,   -1.0, 0.75, 0.0, 2.0 };
static const int y0[B] = { 2, 0, 1 };
static const double w0[IN * K] = { 0.1, -0.2, 0.3,   0.0, 0.4, -0.1,   -0.3, 0.2, 0.1,   0.2, 0.1, -0.4 };
static const double b0[K] = { 0.05, -0.05, 0.1 };
#define LR 0.5

enum { REF_RIGHT, REF_UPHILL, REF_NO_MEAN, REF_MEAN_TWICE, REF_FORGOT_MINUS_Y, REF_STEP_PER_IMAGE, REF_TRANSPOSED,
       N_VARIANTS };

#ifdef EXERCISE_REFERENCE

/* Softmax of the scores of one image (n_in inputs); returns -ln p[label]. */
static double ref_forward(const double *w, const double *b, const double *x, int n_in, int n_classes,
                          int label, double *p, int transposed)
{
    double max = -INFINITY, sum = 0;
    for (int j = 0; j < n_classes; j++) {
        p[j] = b[j];
        for (int i = 0; i < n_in; i++)
            p[j] += (transposed ? w[j * n_in + i] : w[i * n_classes + j]) * x[i];
        max = fmax(max, p[j]);
    }
    for (int j = 0; j < n_classes; j++)
        sum += p[j] = exp(p[j] - max);
    for (int j = 0; j < n_classes; j++)
        p[j] /= sum;
    return -log(p[label]);
}

/* The right step on the B x IN problem, or one of the usual mistakes. */
static double ref_step(double *w, double *b, const double *x, const int *y, int variant)
{
    double dw[IN * K] = { 0 }, db[K] = { 0 }, p[K], loss = 0;
    int transposed = variant == REF_TRANSPOSED;
    for (int n = 0; n < B; n++) {
        loss += ref_forward(w, b, x + n * IN, IN, K, y[n], p, transposed);
        for (int j = 0; j < K; j++) {
            double dz = p[j] - (variant == REF_FORGOT_MINUS_Y ? 0 : (j == y[n]));
            db[j] += dz;
            for (int i = 0; i < IN; i++)
                dw[transposed ? j * IN + i : i * K + j] += x[n * IN + i] * dz;
        }
        if (variant == REF_STEP_PER_IMAGE) {
            for (int k = 0; k < IN * K; k++) {
                w[k] -= LR * dw[k] / B;
                dw[k] = 0;
            }
            for (int j = 0; j < K; j++) {
                b[j] -= LR * db[j] / B;
                db[j] = 0;
            }
        }
    }
    double scale = variant == REF_UPHILL       ? -LR / B
                 : variant == REF_NO_MEAN      ? LR
                 : variant == REF_MEAN_TWICE   ? LR / B / B
                                               : LR / B;
    for (int k = 0; k < IN * K; k++)
        w[k] -= scale * dw[k];
    for (int j = 0; j < K; j++)
        b[j] -= scale * db[j];
    return loss / B;
}

#endif

/* ---------------------------------------------------------------- task 2: the checks */

/* The student's own mean loss at (w, b): a step with lr = 0 on copies. */
static double student_loss_at(const double *w, const double *b)
{
    double wc[IN * K], bc[K];
    memcpy(wc, w, sizeof wc);
    memcpy(bc, b, sizeof bc);
    return CALL(train_step(wc, bc, x0, y0, B, IN, K, 0.0));
}

/* variant_w (N_VARIANTS, IN * K): W after the step with each mistake (stored). */
static void diagnose_step(const double *w, const double *b, double loss, double ref_loss, double variant_w[][IN * K])
{
    static const char *bugs[] = {
        [REF_UPHILL] = "the weights moved UPHILL: subtract lr * gradient (w -= ...), do not add it",
        [REF_NO_MEAN] = "the step is batch (3) times too long: divide the summed gradient by batch",
        [REF_MEAN_TWICE] = "the step is exactly 1/batch too small: the gradient was divided by the batch "
                           "size twice (once per image and once more at the end?); divide the sum once",
        [REF_FORGOT_MINUS_Y] = "dL/dz_j must be p_j - 1 at the label and p_j elsewhere: "
                               "the -1 at the label is missing",
        [REF_STEP_PER_IMAGE] = "the weights changed between images of the batch: add up all the "
                               "gradients first, with the old weights, and step once at the end",
        [REF_TRANSPOSED] = "W looks transposed: W[i][j] (input i, class j) is w[i * n_classes + j]",
    };
    for (int v = REF_UPHILL; v <= REF_TRANSPOSED; v++)
        if (arrays_near(w, variant_w[v], IN * K, 1e-9))
            task_diagnose("%s", bugs[v]);
    if (fabs(loss - B * ref_loss) < 1e-9)
        task_diagnose("returned the SUM of the losses (%g): return the mean, sum / batch", loss);
    double after = student_loss_at(w, b);   /* the student's loss at the new weights */
    if (fabs(loss - after) < 1e-9 && fabs(loss - ref_loss) > 1e-9)
        task_diagnose("returned the loss AFTER the step: measure it before you change the weights");
    if (loss < 0)
        task_diagnose("a negative loss: L = -ln p[label] is >= 0 (ln of a probability is <= 0)");
    int b_moved = 0;
    for (int j = 0; j < K; j++)
        b_moved |= b[j] != b0[j];
    if (!b_moved)
        task_diagnose("b did not change: the biases learn too, dL/db_j = p_j - y_j summed over the batch");
    if (!(after < ref_loss) && task_diagnoses() == 0)
        task_diagnose("the loss did not go down after the step (%g before, %g after): "
                      "did you subtract lr * gradient?", ref_loss, after);
}

/* The student's loss at w (lr = 0 leaves w alone): what central differences differentiate. */
typedef struct {
    double w[IN * K], b[K];
} weights;

static double student_loss(void *ctx)
{
    weights *c = ctx;
    double w[IN * K], b[K];
    memcpy(w, c->w, sizeof w);
    memcpy(b, c->b, sizeof b);
    return CALL(train_step(w, b, x0, y0, B, IN, K, 0.0));
}

/* Gradient the student's step used: (w before - w after) / lr, lr = 1. */
static void check_gradient_numerically(void)
{
    weights at = { { 0 }, { 0 } }, stepped;
    memcpy(at.w, w0, sizeof at.w);
    memcpy(at.b, b0, sizeof at.b);
    stepped = at;
    CALL(train_step(stepped.w, stepped.b, x0, y0, B, IN, K, 1.0));
    if (memcmp(stepped.w, w0, sizeof stepped.w) == 0 && memcmp(stepped.b, b0, sizeof stepped.b) == 0) {
        printf("    gradient check: your step changed no weight, so there is no gradient to check yet\n");
        return;
    }
    double worst = 0;
    for (int k = 0; k < IN * K + K; k++) {
        double *param = k < IN * K ? &at.w[k] : &at.b[k - IN * K];
        double analytic = k < IN * K ? w0[k] - stepped.w[k] : b0[k - IN * K] - stepped.b[k - IN * K];
        double numeric = numeric_derivative(param, student_loss, &at, GRADCHECK_STEP);
        worst = fmax(worst, relative_error(analytic, numeric));
    }
    printf("    gradient check of your step against central differences of your loss: "
           "max relative error %.1e (expect about 1e-10)\n", worst);
    if (!(worst <= GRADCHECK_GOOD) && task_diagnoses() == 0)   /* a symptom: quiet once the cause is named */
        task_diagnose("the step's gradient (w before - w after, with lr = 1) disagrees with central "
                      "differences of your own loss (relative error %.1e): forward and backward do "
                      "not describe the same function", worst);
}

/* The class with the largest score x W + b of one image (n_in inputs):
 * what the student's trained weights answer. */
static int predicted_class(const double *w, const double *b, const double *x, int n_in, int n_classes)
{
    int best = 0;
    double best_score = -INFINITY;
    for (int j = 0; j < n_classes; j++) {
        double z = b[j];
        for (int i = 0; i < n_in; i++)
            z += w[i * n_classes + j] * x[i];
        if (z > best_score)
            best = j, best_score = z;
    }
    return best;
}

/* Train on the tiny IDX set: 24 images of 4x4, 3 classes. */
static void check_learns_tiny_set(void)
{
    double x[N_IMAGES * N_IN], w[N_IN * N_CLASSES] = { 0 }, b[N_CLASSES] = { 0 };
    int y[N_IMAGES];
    for (int k = 0; k < N_IMAGES * N_IN; k++)
        x[k] = image_file[16 + k] / 255.0;
    for (int k = 0; k < N_IMAGES; k++)
        y[k] = label_file[8 + k];
    double first = CALL(train_step(w, b, x, y, N_IMAGES, N_IN, N_CLASSES, 1.0)), last = first;
    for (int step = 1; step < 100; step++)
        last = CALL(train_step(w, b, x, y, N_IMAGES, N_IN, N_CLASSES, 1.0));
    int correct = 0;
    for (int k = 0; k < N_IMAGES; k++)
        correct += predicted_class(w, b, x + k * N_IN, N_IN, N_CLASSES) == y[k];
    printf("    100 steps on the tiny IDX set: loss %.4f -> %.4f, %d of %d right\n", first, last, correct, N_IMAGES);
    task_expect_near("first loss on the tiny set (all weights 0: ln 3)", log(3.0), first, 1e-9);
    if (!(last < 0.2) && task_diagnoses() == 0)
        task_diagnose("after 100 steps the loss is %g, not below 0.2: the step does not learn", last);
    task_expect_int("tiny set: images classified right after 100 steps", N_IMAGES, correct);
}

static void task_train_step(void)
{
    task_begin(2, "one training step on a batch (forward, loss, backward, update)",
               HINTS("One step: forward every image of the batch, add up each image's "
                     "gradient, then move the weights once, by the MEAN gradient.",
                     "z = W^T x + b, p = softmax(z), L = -ln p_label, dL/dz = p - y; dW = sum"
                     " over images of x dz^T; w <- w - lr * dW / batch.",
                     "z = W^T x + b, p = softmax(z), dL/dz = p - onehot(label), dW[i][j] += "
                     "x[i] * dz[j]; after the batch, w -= lr * dW / batch. calloc zeroed dW "
                     "(n_in * n_classes), dB (n_classes) and p (n_classes) (return NAN if one"
                     " is NULL); for each image compute z, p and its loss, then add x[i] * "
                     "(p_j - y_j) into dW[i][j] and (p_j - y_j) into dB[j]. Only after the "
                     "loop: w[k] -= lr * dW[k] / batch (and the same for b). Free the "
                     "buffers."));
    double w[IN * K], b[K], ref_w[IN * K], ref_b[K], ref_loss;
    double variant_w[N_VARIANTS][IN * K];   /* W after the step, right and with each mistake */
    memcpy(w, w0, sizeof w);
    memcpy(b, b0, sizeof b);
#ifdef EXERCISE_REFERENCE
    memcpy(ref_w, w0, sizeof w);
    memcpy(ref_b, b0, sizeof b);
    ref_loss = ref_step(ref_w, ref_b, x0, y0, REF_RIGHT);
    for (int v = 0; v < N_VARIANTS; v++) {
        double rb[K];
        memcpy(variant_w[v], w0, sizeof w);
        memcpy(rb, b0, sizeof rb);
        ref_step(variant_w[v], rb, x0, y0, v);
    }
#endif
    STORED_VALUES("mean loss of the batch", &ref_loss, 1);
    STORED_VALUES("W after the step", ref_w, IN * K);
    STORED_VALUES("b after the step", ref_b, K);
    STORED_VALUES("W after the step: right, then with each mistake", &variant_w[0][0], N_VARIANTS * IN * K);
    double loss = CALL(train_step(w, b, x0, y0, B, IN, K, LR));
    diagnose_step(w, b, loss, ref_loss, variant_w);
    task_expect_near("mean loss of the batch, before the step", ref_loss, loss, 1e-9);
    task_expect_array("W after the step", ref_w, w, IN * K, 1e-9);
    task_expect_array("b after the step", ref_b, b, K, 1e-9);
    check_gradient_numerically();

    double big_x[IN] = { 1000, -1000, 500, 0 }, bw[IN * K], bb[K] = { 0, 0, 0 };   /* scores near +-1000 */
    int big_y[1] = { 0 };
    memcpy(bw, w0, sizeof bw);
    double big = CALL(train_step(bw, bb, big_x, big_y, 1, IN, K, 0.0));
    if (!isfinite(big))
        task_diagnose("scores of about 1000 give a loss of %g: e^1000 overflows; subtract the largest "
                      "score before exp (lesson 08)", big);
    double want_big;
#ifdef EXERCISE_REFERENCE
    double p[K];
    want_big = ref_forward(w0, bb, big_x, IN, K, 0, p, 0);
#endif
    STORED_VALUES("loss with scores near 1000", &want_big, 1);
    task_expect_near("loss with scores near 1000 (finite)", want_big, big, 1e-6);
    check_learns_tiny_set();
    task_end();
}

/* ---------------------------------------------------------------- task 3 */

static void task_confusion(void)
{
    task_begin(3, "accuracy and the confusion matrix",
               HINTS("Accuracy is the fraction of right answers; the confusion matrix counts,"
                     " for each true class, what the network answered.",
                     "accuracy = correct / n (as a fraction); confusion(true, predicted) += 1"
                     " for each image, after setting all entries to 0.",
                     "zero the matrix, then confusion[true * n_classes + predicted] += 1 for "
                     "every image; accuracy = (double)correct / n. Zero all n_classes * "
                     "n_classes entries first (the caller's array may hold anything); the row"
                     " index is the TRUE label. Count the correct answers in a long and "
                     "divide as doubles: (double)correct / n."));
    static const int labels[10] = { 0, 0, 0, 1, 1, 1, 1, 2, 2, 2 };
    static const int predicted[10] = { 0, 0, 1, 1, 1, 2, 1, 2, 2, 0 };   /* 7 of 10 right */
    static const double expected[9] = { 2, 1, 0,   0, 3, 1,   1, 0, 2 };
    static const double transposed[9] = { 2, 0, 1,   1, 3, 0,   0, 1, 2 };
    long confusion[9] = { 0 };
    double as_double[9];
    double accuracy = CALL(accuracy_and_confusion(labels, predicted, 10, 3, confusion));
    for (int k = 0; k < 9; k++)
        as_double[k] = (double)confusion[k];
    if (accuracy == 0 && arrays_near(as_double, expected, 9, 0))
        task_diagnose("accuracy 0 with 7 of 10 right: integer division (7 / 10 == 0 in C); divide as doubles");
    if (fabs(accuracy - 7) < 1e-12)
        task_diagnose("accuracy 7: that is the count; divide by n");
    if (arrays_near(as_double, transposed, 9, 0))
        task_diagnose("confusion matrix transposed: rows are the true labels, columns the predictions");
    task_expect_near("accuracy", 0.7, accuracy, 1e-12);
    task_expect_array("confusion matrix (3x3, row by row)", expected, as_double, 9, 0);

    long dirty[9] = { 5, 5, 5, 5, 5, 5, 5, 5, 5 };
    CALL(accuracy_and_confusion(labels, predicted, 10, 3, dirty));
    for (int k = 0; k < 9; k++)
        as_double[k] = (double)dirty[k];
    if (dirty[0] == 7)
        task_diagnose("a matrix that held 5s came back with 5 added: set every entry to 0 first");
    task_expect_array("the same, into a matrix that held 5s", expected, as_double, 9, 0);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_idx_header, task_train_step, task_confusion };
    make_data_set();
    return exercise_main(argc, argv, "exercise 10 (MNIST)", tasks, (int)(sizeof tasks / sizeof tasks[0]));
}
