/* tests/unit_convnet.c: lesson 10's network (src/convnet.c), in the double build.
 *
 * The whole backward pass, every parameter tensor, against central
 * differences of the whole network's loss; the shapes and parameter count
 * of the default network; the model file (round trip, and every way a
 * damaged file is refused with one line); the CRC-32 check value. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convnet.h"
#include "harness.h"
#include "model_file.h"
#include "rng.h"
#include "tensor.h"

/* ---------------------------------------------------------------- the gradient check */

typedef struct {
    convnet_arch arch;
    convnet_params params, grad;
    convnet_work work;
    real x[2][8 * 8];      /* a batch of two 8x8 images */
    int label[2];
} small_net;

/* Mean cross-entropy of the batch: the loss the gradient check differentiates. */
static double batch_loss(void *ctx)
{
    small_net *n = ctx;
    double loss = 0;
    for (int i = 0; i < 2; i++) {
        convnet_forward(&n->arch, &n->params, &n->work, n->x[i]);
        loss += convnet_loss(&n->arch, &n->work, n->label[i]);
    }
    return loss / 2;
}

static void small_net_setup(small_net *n)
{
    char err[200];
    CHECK_INT(convnet_arch_setup(&n->arch, 8, 8, 3, 3, 4, err, sizeof err), 0);   /* 3 filters 3x3, 4 classes */
    convnet_params_alloc(&n->arch, &n->params);
    convnet_params_alloc(&n->arch, &n->grad);
    convnet_work_alloc(&n->arch, &n->work);
    rng_t r = rng_seeded(10);
    convnet_init(&n->arch, &n->params, &r);
    for (long i = 0; i < n->arch.filters; i++)          /* non-zero biases, so they are tested too */
        n->params.conv_b[i] = (real)(0.1 * rng_normal(&r));
    for (long i = 0; i < n->arch.classes; i++)
        n->params.dense_b[i] = (real)(0.1 * rng_normal(&r));
    for (int i = 0; i < 2; i++)
        for (int p = 0; p < 64; p++)
            n->x[i][p] = (real)rng_uniform(&r);
    n->label[0] = 1;
    n->label[1] = 3;
}

static void small_net_free(small_net *n)
{
    convnet_params_free(&n->params);
    convnet_params_free(&n->grad);
    convnet_work_free(&n->work);
}

static void test_backward_matches_central_differences(void)
{
    small_net n;
    small_net_setup(&n);
    CHECK_INT(n.arch.conv.out_h, 6);
    CHECK_INT(n.arch.pool.out_h, 3);
    CHECK_INT(n.arch.flat, 27);
    for (int i = 0; i < 2; i++) {                        /* analytic: the mean of the two gradients */
        convnet_forward(&n.arch, &n.params, &n.work, n.x[i]);
        convnet_backward(&n.arch, &n.params, &n.work, n.x[i], n.label[i], &n.grad);
    }
    for (long i = 0; i < n.arch.n_params; i++)
        n.grad.all[i] /= 2;
    const convnet_arch *a = &n.arch;
    int conv_w_dims[4] = { a->filters, 1, a->kernel, a->kernel }, conv_b_dims[1] = { a->filters };
    int dense_w_dims[2] = { a->flat, a->classes }, dense_b_dims[1] = { a->classes };
    gradcheck_result r[4] = {
        gradcheck_tensor("dL/dconv_w", n.params.conv_w, n.grad.conv_w, conv_w_dims, 4, batch_loss, &n, GRADCHECK_STEP),
        gradcheck_tensor("dL/dconv_b", n.params.conv_b, n.grad.conv_b, conv_b_dims, 1, batch_loss, &n, GRADCHECK_STEP),
        gradcheck_tensor("dL/ddense_w", n.params.dense_w, n.grad.dense_w, dense_w_dims, 2, batch_loss, &n, GRADCHECK_STEP),
        gradcheck_tensor("dL/ddense_b", n.params.dense_b, n.grad.dense_b, dense_b_dims, 1, batch_loss, &n, GRADCHECK_STEP),
    };
    for (int i = 0; i < 4; i++) {
        gradcheck_print(stdout, &r[i]);
        CHECK_GRAD(r[i]);
    }
    small_net_free(&n);
}

static void test_backward_adds_into_the_gradient(void)
{
    small_net n;
    small_net_setup(&n);
    convnet_params once;
    convnet_params_alloc(&n.arch, &once);
    convnet_forward(&n.arch, &n.params, &n.work, n.x[0]);
    convnet_backward(&n.arch, &n.params, &n.work, n.x[0], n.label[0], &once);
    convnet_backward(&n.arch, &n.params, &n.work, n.x[0], n.label[0], &n.grad);
    convnet_backward(&n.arch, &n.params, &n.work, n.x[0], n.label[0], &n.grad);
    double worst = 0;
    for (long i = 0; i < n.arch.n_params; i++)
        worst = fmax(worst, fabs((double)n.grad.all[i] - 2 * (double)once.all[i]));
    CHECK(worst < 1e-12);
    convnet_params_free(&once);
    small_net_free(&n);
}

/* ---------------------------------------------------------------- shapes */

static void test_default_network_shapes(void)
{
    convnet_arch a;
    char err[200];
    CHECK_INT(convnet_arch_setup(&a, 28, 28, 32, 3, 10, err, sizeof err), 0);
    CHECK_INT(a.conv.out_h, 26);           /* Intro to CNN: 26x26x32 ...             */
    CHECK_INT(a.pool.out_h, 13);           /* ... max-pooled 2x2 stride 2: 13x13x32 */
    CHECK_INT(a.flat, 13 * 13 * 32);
    CHECK_INT(a.n_params, 32 * (3 * 3 + 1) + (5408 + 1) * 10);
    CHECK_INT(convnet_arch_setup(&a, 28, 28, 16, 5, 10, err, sizeof err), 0);
    CHECK_INT(a.flat, 12 * 12 * 16);
    CHECK_INT(a.n_params, 16 * (5 * 5 + 1) + (2304 + 1) * 10);
}

static void test_impossible_networks_are_refused(void)
{
    convnet_arch a;
    char err[300];
    CHECK_INT(convnet_arch_setup(&a, 28, 28, 32, 4, 10, err, sizeof err), -1);   /* 25x25: 2x2 pooling cannot tile it */
    CHECK_CONTAINS(err, "25x25");
    CHECK_INT(convnet_arch_setup(&a, 28, 28, 32, 29, 10, err, sizeof err), -1);
    CHECK_CONTAINS(err, "does not fit");
    CHECK_INT(convnet_arch_setup(&a, 28, 28, 0, 3, 10, err, sizeof err), -1);
    CHECK_INT(convnet_arch_setup(&a, 28, 28, 8, 3, 1, err, sizeof err), -1);
}

static void test_summary_table(void)
{
    convnet_arch a;
    char err[200], path[512];
    convnet_arch_setup(&a, 28, 28, 32, 3, 10, err, sizeof err);
    snprintf(path, sizeof path, "%s/tmp/unit_convnet_summary.txt", build_dir());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    convnet_summary(f, &a);
    fclose(f);
    char *text = read_text_file(path);
    CHECK(text != NULL);
    if (!text)
        return;
    CHECK_CONTAINS(text, "conv (Conv2D 3x3)          26 x 26 x 32              320");
    CHECK_CONTAINS(text, "maxpool (MaxPool 2x2)      13 x 13 x 32                0");
    CHECK_CONTAINS(text, "dense (Dense)              10                     54,090");
    CHECK_CONTAINS(text, "Total params: 54,410");
    free(text);
}

/* ---------------------------------------------------------------- the model file */

static void test_crc32_check_value(void)
{
    CHECK(model_crc32(0, (const unsigned char *)"123456789", 9) == 0xCBF43926u);
    CHECK(model_crc32(model_crc32(0, (const unsigned char *)"1234", 4), (const unsigned char *)"56789", 5)
          == 0xCBF43926u);
}

static void model_path(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/tmp/unit_convnet_%s", build_dir(), name);
}

/* A saved 3-filter model, as bytes. */
static unsigned char *saved_model(small_net *n, size_t *size)
{
    char path[512], err[300];
    model_path(path, sizeof path, "good.model");
    CHECK_INT(convnet_save(path, &n->arch, &n->params, err, sizeof err), 0);
    FILE *f = fopen(path, "rb");
    unsigned char *bytes = checked_calloc(100000, 1, "model bytes");
    *size = f ? fread(bytes, 1, 100000, f) : 0;
    if (f)
        fclose(f);
    return bytes;
}

static void write_model_bytes(const char *path, const unsigned char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, n, f);
        fclose(f);
    }
}

static void test_model_round_trip(void)
{
    small_net n;
    small_net_setup(&n);
    char path[512], err[300];
    model_path(path, sizeof path, "good.model");
    CHECK_INT(convnet_save(path, &n.arch, &n.params, err, sizeof err), 0);
    convnet_arch a;
    convnet_params p;
    CHECK_INT(convnet_load(path, &a, &p, err, sizeof err), 0);
    CHECK(convnet_arch_equal(&a, &n.arch));
    CHECK_INT(a.n_params, n.arch.n_params);
    double worst = 0;                         /* stored as float32: equal to float precision */
    for (long i = 0; i < a.n_params; i++)
        worst = fmax(worst, fabs((double)p.all[i] - (double)(float)n.params.all[i]));
    CHECK(worst == 0);
    size_t size;
    unsigned char *bytes = saved_model(&n, &size);
    CHECK_INT((long)size, 36 + 4 * n.arch.n_params + 4);
    CHECK(memcmp(bytes, "CNNM", 4) == 0);
    CHECK_INT(bytes[4], 1);                   /* version 1, little-endian */
    CHECK_INT(bytes[5] + bytes[6] + bytes[7], 0);
    float first = (float)n.params.all[0];     /* the first parameter, little-endian float32 */
    unsigned char expect[4];
    unsigned int bits;
    memcpy(&bits, &first, 4);
    for (int i = 0; i < 4; i++)
        expect[i] = (unsigned char)(bits >> (8 * i));
    CHECK(memcmp(bytes + 36, expect, 4) == 0);
    free(bytes);
    convnet_params_free(&p);
    small_net_free(&n);
}

/* Load a damaged copy; it must fail with one line containing `needle`. */
static void expect_refused(const unsigned char *bytes, size_t n, const char *name, const char *needle)
{
    char path[512], err[300] = "";
    convnet_arch a;
    convnet_params p;
    model_path(path, sizeof path, name);
    write_model_bytes(path, bytes, n);
    int rc = convnet_load(path, &a, &p, err, sizeof err);
    CHECK_INT(rc, -1);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, needle);
    CHECK(strchr(err, '\n') == NULL);
    CHECK(p.all == NULL);
    if (rc == 0)
        convnet_params_free(&p);
}

static void test_damaged_models_are_refused(void)
{
    small_net n;
    small_net_setup(&n);
    size_t size;
    unsigned char *good = saved_model(&n, &size);
    unsigned char *bad = checked_calloc(size + 8, 1, "damaged model");

    expect_refused(good, 0, "empty.model", "empty");
    expect_refused(good, 20, "short_header.model", "truncated");
    expect_refused(good, size - 10, "short_body.model", "truncated");
    memcpy(bad, good, size);
    memcpy(bad, "P5\n2", 4);
    expect_refused(bad, size, "magic.model", "not a model file");
    memcpy(bad, good, size);
    bad[4] = 2;
    expect_refused(bad, size, "version.model", "version 2 is newer");
    memcpy(bad, good, size);
    bad[40] ^= 0x10;                                            /* one bit of a parameter */
    expect_refused(bad, size, "checksum.model", "checksum mismatch");
    memcpy(bad, good, size);
    bad[32] ^= 1;                                               /* parameter count */
    expect_refused(bad, size, "count.model", "parameters");
    memcpy(bad, good, size);
    bad[20] = 4;                                                /* kernel 4: impossible with 2x2 pooling */
    expect_refused(bad, size, "arch.model", "impossible network");
    memcpy(bad, good, size);
    bad[size] = 0;
    expect_refused(bad, size + 1, "trailing.model", "after the checksum");

    char path[512], err[300] = "";
    convnet_arch a;
    convnet_params p;
    model_path(path, sizeof path, "does_not_exist.model");
    remove(path);
    CHECK_INT(convnet_load(path, &a, &p, err, sizeof err), -1);
    CHECK_CONTAINS(err, "cannot open");
    snprintf(path, sizeof path, "%s/tmp", build_dir());        /* a directory */
    CHECK_INT(convnet_load(path, &a, &p, err, sizeof err), -1);
    CHECK_CONTAINS(err, path);
    free(bad);
    free(good);
    small_net_free(&n);
}

/* convnet_train_step (forward, loss, backward, update) against the same
 * step by hand: minibatch_gradient through convnet_shard, then
 * sgd_momentum_step with the weight decay folded in. The same loss, right
 * answers and parameters to the bit, with both engines, for a batch that
 * fills every shard and one smaller than the number of shards. */
static void test_a_training_step_is_forward_loss_backward_update(void)
{
    for (int engine = 0; engine < 2; engine++)
        for (int n = 3; n <= 9; n += 6) {
            convnet_arch a;
            char err[256];
            CHECK_INT(convnet_arch_setup(&a, 8, 8, 3, 3, 4, err, sizeof err), 0);
            convnet_params p_step, p_hand, v_hand;
            convnet_params_alloc(&a, &p_step);
            convnet_params_alloc(&a, &p_hand);
            convnet_params_alloc(&a, &v_hand);
            rng_t r = rng_seeded(11);
            convnet_init(&a, &p_step, &r);
            tensor_copy(p_hand.all, p_step.all, (size_t)a.n_params);
            real *x = tensor_alloc(9 * 64, "images");
            for (int i = 0; i < 9 * 64; i++)
                x[i] = (real)rng_uniform_range(&r, 0, 1);
            int labels[9] = { 0, 1, 2, 3, 0, 1, 2, 3, 0 };
            engine_kind kind = engine ? ENGINE_FAST : ENGINE_NAIVE;
            convnet_runner rs, rh;
            convnet_runner_init(&rs, &a, &p_step, kind, NULL, 9);
            convnet_runner_init(&rh, &a, &p_hand, kind, NULL, 9);
            optimizer opt;
            optimizer_init(&opt, OPTIMIZER_SGD, a.n_params, 0.05, 0.9, 1e-3);
            for (int step = 0; step < 2; step++) {
                batch_score s = convnet_train_step(&rs, p_step.all, &opt, x, labels, n);
                batch_score t = minibatch_gradient(&rh.batches, x, labels, n);
                add_weight_decay(rh.batches.mean_grad, p_hand.all, a.n_params, (real)1e-3);
                sgd_momentum_step(p_hand.all, rh.batches.mean_grad, v_hand.all, a.n_params, (real)0.05, (real)0.9);
                CHECK_NEAR(s.loss, t.loss, 0);
                CHECK_INT((int)s.correct, (int)t.correct);
                CHECK_NEAR(tensor_max_abs_diff(p_step.all, p_hand.all, (size_t)a.n_params), 0, 0);
            }
            CHECK_INT((int)opt.steps, 2);
            CHECK(tensor_max_abs_diff(opt.velocity, v_hand.all, (size_t)a.n_params) == 0);
            double moved = 0;                                      /* the velocity: the steps were not 0 */
            for (long i = 0; i < a.n_params; i++)
                moved = fabs((double)opt.velocity[i]) > moved ? fabs((double)opt.velocity[i]) : moved;
            CHECK(moved > 0);
            optimizer_free(&opt);
            convnet_runner_free(&rs);
            convnet_runner_free(&rh);
            convnet_params_free(&p_step);
            convnet_params_free(&p_hand);
            convnet_params_free(&v_hand);
            free(x);
        }
}

int main(void)
{
    RUN_TEST(test_backward_matches_central_differences);
    RUN_TEST(test_backward_adds_into_the_gradient);
    RUN_TEST(test_default_network_shapes);
    RUN_TEST(test_impossible_networks_are_refused);
    RUN_TEST(test_summary_table);
    RUN_TEST(test_crc32_check_value);
    RUN_TEST(test_model_round_trip);
    RUN_TEST(test_damaged_models_are_refused);
    RUN_TEST(test_a_training_step_is_forward_loss_backward_update);
    return harness_finish();
}
