/* training.c: see training.h. */
#include "training.h"

#include <stdlib.h>

#include "file_error.h"
#include "os.h"
#include "roofline.h"
#include "tensor.h"

/* ---------------------------------------------------------------- the data's way in */

void moved_image(const image_set *s, int image, int dy, int dx, real *out)
{
    const unsigned char *pixels = s->pixels + (size_t)image * s->rows * s->cols;
    for (int y = 0; y < s->rows; y++)
        for (int c = 0; c < s->cols; c++) {
            int from_y = y - dy, from_x = c - dx;
            int inside = from_y >= 0 && from_y < s->rows && from_x >= 0 && from_x < s->cols;
            out[y * s->cols + c] = inside ? (real)pixels[from_y * s->cols + from_x] / (real)255 : 0;
        }
}

void draw_shifts(rng_t *rng, signed char *shifts, int n, int max_shift)
{
    unsigned choices = 2u * (unsigned)max_shift + 1u;
    for (int i = 0; i < 2 * n; i++)
        shifts[i] = (signed char)((int)rng_below(rng, choices) - max_shift);
}

void gather_images(const image_set *images, const label_set *labels, const int *order, int first, int count,
                   const signed char *shifts, real *x, int *batch_labels)
{
    long pixels = (long)images->rows * images->cols;
    for (int i = 0; i < count; i++) {
        int image = order[first + i];
        if (shifts)                                    /* data augmentation: a moved copy */
            moved_image(images, image, shifts[2 * (first + i)], shifts[2 * (first + i) + 1], x + i * pixels);
        else
            images_to_real(images, image, 1, x + i * pixels);
        batch_labels[i] = labels->labels[image];
    }
}

set_score score_images(minibatch *mb, const image_set *images, const label_set *labels, const int *order,
                       int count, real *x, int *batch_labels, int *batch_predictions, int *predictions)
{
    double loss = 0;
    long correct = 0;
    for (int first = 0; first < count; first += mb->max_batch) {
        int n = count - first < mb->max_batch ? count - first : mb->max_batch;
        gather_images(images, labels, order, first, n, NULL, x, batch_labels);
        batch_score s = minibatch_forward(mb, x, batch_labels, n, batch_predictions);
        loss += s.loss;
        correct += s.correct;
        for (int i = 0; predictions && i < n; i++)
            predictions[order[first + i]] = batch_predictions[i];
    }
    return (set_score){ loss / count, (double)correct / count };
}

int *identity_order(int n)
{
    int *order = checked_calloc((size_t)n, sizeof(int), "image order");
    for (int i = 0; i < n; i++)
        order[i] = i;
    return order;
}

/* ---------------------------------------------------------------- progress */

void progress_start(progress *p, int mode)
{
    p->mode = mode == PROGRESS_BAR && !os_is_terminal(stderr) ? PROGRESS_LINES : mode;
    p->started = p->last_shown = wall_clock();
}

void progress_show(progress *p, int epoch, int epochs, int done, int total, double loss)
{
    double now = wall_clock(), elapsed = now - p->started;
    if (p->mode == PROGRESS_NONE || done == 0)
        return;
    int finished = done == total;
    if (p->mode == PROGRESS_BAR && !finished && now - p->last_shown < 0.25)
        return;
    if (p->mode == PROGRESS_LINES && (finished || now - p->last_shown < 5))
        return;
    p->last_shown = now;
    double rate = done / (elapsed > 1e-9 ? elapsed : 1e-9), eta = (total - done) / rate;
    if (p->mode == PROGRESS_LINES) {
        fprintf(stderr, "epoch %d/%d: %d/%d images, %.0f images/s, ETA %.0f s, loss %.4f\n",
                epoch, epochs, done, total, rate, eta, loss);
        return;
    }
    char bar[31];
    int filled = (int)(30L * done / total);
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '=' : (i == filled ? '>' : '.');
    bar[30] = '\0';
    fprintf(stderr, "\rEpoch %d/%d [%s] %d/%d  %.0f img/s  ETA %3.0fs  loss %.4f ",
            epoch, epochs, bar, done, total, rate, eta, loss);
    if (finished)
        fprintf(stderr, "\r%*s\r", 100, "");     /* clear it: the epoch line follows on stdout */
    fflush(stderr);
}

/* ---------------------------------------------------------------- the report */

int check_class_count(int classes, const char *who, char *err, size_t err_size)
{
    if (classes == CLASS_COUNT)
        return 0;
    set_file_error(err, err_size, who, "the network gives %d class scores, but the labels are %d classes (0 to %d): "
                   "its last layer must be 'dense %d'", classes, CLASS_COUNT, CLASS_COUNT - 1, CLASS_COUNT);
    return -1;
}

int classes_present(const label_set *labels, int n)
{
    int seen[256] = { 0 }, count = 0;
    for (int i = 0; i < n && i < labels->count; i++)
        if (!seen[labels->labels[i]]++)
            count++;
    return count;
}

void print_confusion(FILE *out, const label_set *labels, const int *predictions, int classes,
                     const class_names *names)
{
    long *matrix = checked_calloc((size_t)classes * classes, sizeof(long), "confusion matrix");
    int width = class_names_width(names, classes);    /* rows read "  3 Dress       | ..." */
    char buf[12];
    for (int i = 0; i < labels->count; i++)
        matrix[labels->labels[i] * classes + predictions[i]]++;
    fprintf(out, "Confusion matrix (rows: true class, columns: the network's answer):\n      %*s", width ? width + 1 : 0, "");
    for (int c = 0; c < classes; c++)
        fprintf(out, "%6d", c);
    fprintf(out, "\n");
    for (int r = 0; r < classes; r++) {
        fprintf(out, "  %d ", r);
        if (width)
            fprintf(out, "%-*s ", width, class_label(names, r, buf, sizeof buf));
        fprintf(out, "| ");
        for (int c = 0; c < classes; c++)
            fprintf(out, "%6ld", matrix[r * classes + c]);
        fprintf(out, "\n");
    }
    free(matrix);
}

/* The three largest probabilities, largest first. */
static void top3(const real *probs, int classes, int *best)
{
    for (int k = 0; k < 3; k++) {
        best[k] = -1;
        for (int c = 0; c < classes; c++) {
            int taken = 0;
            for (int j = 0; j < k; j++)
                taken |= best[j] == c;
            if (!taken && (best[k] < 0 || probs[c] > probs[best[k]]))
                best[k] = c;
        }
    }
}

void show_mistakes(FILE *out, const image_set *images, const label_set *labels, const int *predictions,
                   int classes, const class_names *names, int shown, probabilities_fn probs_of, void *ctx,
                   real *x)
{
    char label_buf[12], answer_buf[12], top_buf[3][12];
    size_t pixels = (size_t)images->rows * images->cols;
    int done = 0;
    fprintf(out, "\nThe first %d test images the network gets wrong, with its three most likely answers:\n", shown);
    for (int i = 0; i < images->count && done < shown; i++) {
        if (predictions[i] == labels->labels[i])
            continue;
        int best[3];
        images_to_real(images, i, 1, x);
        const real *probs = probs_of(ctx, x);
        top3(probs, classes, best);
        fprintf(out, "test image %d: the label says %s, the network says %s   (top 3: %s %.3f, %s %.3f, %s %.3f)\n",
                i, class_label(names, labels->labels[i], label_buf, sizeof label_buf),
                class_label(names, predictions[i], answer_buf, sizeof answer_buf),
                class_label(names, best[0], top_buf[0], sizeof top_buf[0]), (double)probs[best[0]],
                class_label(names, best[1], top_buf[1], sizeof top_buf[1]), (double)probs[best[1]],
                class_label(names, best[2], top_buf[2], sizeof top_buf[2]), (double)probs[best[2]]);
        draw_digit_ascii(out, images->pixels + (size_t)i * pixels, images->rows, images->cols);
        done++;
    }
    if (done == 0)
        fprintf(out, "none: every test image is classified right\n");
}
