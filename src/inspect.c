/* inspect.c: see inspect.h. */
#include "inspect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "tensor.h"
#include "threadpool.h"
#include "training.h"

/* ---------------------------------------------------------------- the feature maps */

static int is_activation(layer_kind k)
{
    return k == LAYER_RELU || k == LAYER_SIGMOID || k == LAYER_TANH;
}

static int is_pooling(layer_kind k)
{
    return k == LAYER_MAXPOOL || k == LAYER_AVGPOOL;
}

/* The last layer of the run conv [batchnorm] [activation] that starts at conv layer i. */
static int end_of_conv_run(const sequential *m, int i)
{
    if (i + 1 < m->n_layers && m->layers[i + 1].kind == LAYER_BATCHNORM)
        i++;
    if (i + 1 < m->n_layers && is_activation(m->layers[i + 1].kind))
        i++;
    return i;
}

int feature_map_layers(const sequential *m, int *shown, int max)
{
    int n = 0;
    for (int i = 0; i < m->n_layers && n < max; i++) {
        if (m->layers[i].kind == LAYER_CONV)
            shown[n++] = end_of_conv_run(m, i);
        else if (is_pooling(m->layers[i].kind))
            shown[n++] = i;
    }
    return n;
}

/* How many layers of the same family (conv, or pooling) come before layer i, plus 1. */
static int ordinal(const sequential *m, int i)
{
    int n = 1;
    for (int j = 0; j < i; j++)
        n += m->layers[j].kind == m->layers[i].kind;
    return n;
}

void feature_map_title(const sequential *m, int i, char *out, size_t size)
{
    const layer *l = &m->layers[i];
    int first = i;                          /* the conv that starts the run ending at i */
    while (first > 0 && (is_activation(m->layers[first].kind) || m->layers[first].kind == LAYER_BATCHNORM))
        first--;
    const layer *f = &m->layers[first];
    char what[96], after[64] = "";
    if (f->kind == LAYER_CONV)
        snprintf(what, sizeof what, "conv %d (%d filters %dx%d)", ordinal(m, first), f->units, f->kernel, f->kernel);
    else if (is_pooling(f->kind))
        snprintf(what, sizeof what, "%s %d (%dx%d)", layer_kind_name(f->kind), ordinal(m, first), f->kernel, f->kernel);
    else
        snprintf(what, sizeof what, "%s", layer_kind_name(f->kind));
    for (int j = first + 1; j <= i; j++) {
        size_t used = strlen(after);
        snprintf(after + used, sizeof after - used, " + %s", layer_kind_name(m->layers[j].kind));
    }
    snprintf(out, size, "%s%s: %dx%dx%d", what, after, l->out_h, l->out_w, l->out_c);
}

void receptive_field(const sequential *m, int i, int *size, int *jump)
{
    int r = 1, j = 1;
    for (int at = 0; at <= i && at < m->n_layers; at++) {
        const layer *l = &m->layers[at];
        if (l->kind == LAYER_CONV || is_pooling(l->kind)) {
            r += (l->kernel - 1) * j;
            j *= l->stride;
        } else if (l->kind == LAYER_FLATTEN || l->kind == LAYER_DENSE) {
            r = m->in_h > m->in_w ? m->in_h : m->in_w;     /* every number sees every pixel */
        }
    }
    *size = r;
    *jump = j;
}

/* ---------------------------------------------------------------- the first layer's filters */

static int sign_from_middle(int at, int k)
{
    return 2 * at + 1 < k ? 1 : 2 * at + 1 > k ? -1 : 0;       /* +1 before the middle, -1 after, 0 at it */
}

void filter_shares(const real *w, int k, double shares[4])
{
    double dot[4] = { 0, 0, 0, 0 }, norm[4] = { 0, 0, 0, 0 }, energy = 0;
    for (int y = 0; y < k; y++)
        for (int x = 0; x < k; x++) {
            double v = (double)w[y * k + x];
            int pattern[4] = { 1, sign_from_middle(x, k), sign_from_middle(y, k), 0 };
            pattern[3] = pattern[1] * pattern[2];
            for (int p = 0; p < 4; p++) {
                dot[p] += v * pattern[p];
                norm[p] += pattern[p] * pattern[p];
            }
            energy += v * v;
        }
    for (int p = 0; p < 4; p++)
        shares[p] = energy > 0 && norm[p] > 0 ? dot[p] * dot[p] / (norm[p] * energy) : 0;
}

/* ---------------------------------------------------------------- saliency */

double saliency_map(const sequential_model *net, sequential_batch *b, const real *x, int c, score_kind kind,
                    real *grad, real *dinput)
{
    const sequential *m = net->arch;
    int classes = m->classes;
    const real *logits = sequential_forward(net, b, x, 1, 0);
    softmax(logits, b->probs, classes);
    for (int j = 0; j < classes; j++)       /* dscore/dlogits: the chain rule starts here */
        b->dlogits[j] = (real)(j == c) - (kind == SCORE_LOG_PROB ? b->probs[j] : 0);
    double score = kind == SCORE_LOGIT ? (double)logits[c] : (double)logits[c] - log_sum_exp(logits, classes);
    tensor_fill(grad, (size_t)m->n_params, 0);
    sequential_backward(net, b, x, b->dlogits, grad, dinput);   /* ... and ends at the image */
    return score;
}

/* The score of each of the n images of the last forward pass, into scores (n). */
static void scores_of(const sequential *m, const real *logits, int n, int c, score_kind kind, double *scores)
{
    for (int k = 0; k < n; k++) {
        const real *z = logits + (long)k * m->classes;
        scores[k] = (double)z[c] - (kind == SCORE_LOG_PROB ? log_sum_exp(z, m->classes) : 0);
    }
}

void score_slopes(const sequential_model *net, sequential_batch *b, const real *x, int c, score_kind kind,
                  double h, real *scratch, double *right, double *left)
{
    const sequential *m = net->arch;
    const long size = (long)m->in_c * m->in_h * m->in_w;
    const int per_pass = b->capacity / 2;                   /* pixels per forward pass: +h and -h each */
    double at_x, *scores = checked_calloc(2 * (size_t)per_pass, sizeof(double), "scores");
    scores_of(m, sequential_forward(net, b, x, 1, 0), 1, c, kind, &at_x);
    for (long first = 0; first < size; first += per_pass) {
        int n = size - first < per_pass ? (int)(size - first) : per_pass;
        for (int k = 0; k < 2 * n; k++) {                  /* image 2j: pixel first+j up; 2j+1: down */
            real *copy = scratch + (long)k * size;
            tensor_copy(copy, x, (size_t)size);
            copy[first + k / 2] += (real)(k % 2 == 0 ? h : -h);
        }
        scores_of(m, sequential_forward(net, b, scratch, 2 * n, 0), 2 * n, c, kind, scores);
        for (int j = 0; j < n; j++) {
            right[first + j] = (scores[2 * j] - at_x) / h;
            left[first + j] = (at_x - scores[2 * j + 1]) / h;
        }
    }
    free(scores);
}

/* ---------------------------------------------------------------- where the network is wrong */

typedef struct {
    double confidence;
    int index;
} mistake;

static int more_confident_first(const void *a, const void *b)
{
    const mistake *x = a, *y = b;
    if (x->confidence != y->confidence)
        return x->confidence > y->confidence ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

int confident_mistakes(const real *probs, const int *labels, int n, int classes, int k, int *out)
{
    mistake *all = checked_calloc(n > 0 ? (size_t)n : 1, sizeof *all, "the mistakes");
    int found = 0;
    for (int i = 0; i < n; i++) {
        const real *p = probs + (long)i * classes;
        int answer = argmax(p, classes);
        if (answer != labels[i])
            all[found++] = (mistake){ (double)p[answer], i };
    }
    qsort(all, (size_t)found, sizeof *all, more_confident_first);
    int kept = found < k ? found : k;
    for (int i = 0; i < kept; i++)
        out[i] = all[i].index;
    free(all);
    return kept;
}

long set_probabilities(sequential_runner *r, const image_set *images, const label_set *labels, int count,
                       real *x, int *batch_labels, real *probs)
{
    const int classes = r->model.arch->classes, max_batch = r->batches.max_batch;
    int *order = identity_order(count > 0 ? count : 1);
    long correct = 0;
    for (int first = 0; first < count; first += max_batch) {
        int n = count - first < max_batch ? count - first : max_batch;
        gather_images(images, labels, order, first, n, NULL, x, batch_labels);
        correct += minibatch_forward(&r->batches, x, batch_labels, n, NULL).correct;
        for (int s = 0; s < MINIBATCH_SHARDS; s++) {      /* shard s had images [from, from + part) */
            long from, part;
            split_range(n, MINIBATCH_SHARDS, s, &from, &part);
            if (part > 0)
                memcpy(probs + (long)(first + from) * classes, r->shards[s].probs,
                       sizeof(real) * (size_t)part * (size_t)classes);
        }
    }
    free(order);
    return correct;
}
