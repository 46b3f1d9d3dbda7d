/* tests/bad_inputs.c: the trainers and tools on the inputs an outside audit
 * (issue 16) found mishandled, with a tiny synthetic data set in MNIST's
 * format. Each case failed before its fix; each checks an exit status and
 * the one line on stderr (or a number), not the wording.
 *
 *   - a model refused for a NaN parameter or an infinite statistic: one
 *     line and exit 1 from lesson 12's --load and lesson 14's --model (it was
 *     a double free, exit 134);
 *   - a network with another number of classes than the labels (lesson 12's
 *     --net, lesson 14's and predict's model) is refused before it reads past
 *     its outputs (a heap overflow in the confusion matrix); one with no layer
 *     that computes class scores too (predict used a freed image as logits);
 *   - a FIFO with no writer given as a model, an image or a number file is
 *     refused at once (predict, lessons 12 and 14, gradcheck hung);
 *   - --limit 1 is not "a dead network: try a lower learning rate";
 *   - lesson 14's --out names the real error (a loop of links was "not a
 *     directory");
 *   - the progress bar writes no carriage-return frames into a log file;
 *   - lesson 12 refuses a network whose training needs more than
 *     --max-memory. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model_file.h"
#include "sequential.h"
#include "tensor.h"

static char dir[512];             /* $BUILD_DIR/tmp/bad_inputs */
static char data[600];            /* the synthetic data set */

#define SMALL_NET "conv 4 5, relu, maxpool 2, flatten, dense 10"

static const char *in_dir(const char *name)
{
    static char paths[4][700];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

/* A model file of spec on 28x28 images: parameters from a seeded draw, or
 * with parameter `bad_param` (or statistic `bad_stat`) set to `bad`. */
static void save_model(const char *path, const char *spec, long bad_param, long bad_stat, double bad)
{
    sequential m;
    char err[512];
    if (sequential_build(&m, spec, 1, 28, 28, err, sizeof err) != 0) {
        printf("  cannot build '%s': %s\n", spec, err);
        CHECK(0);
        return;
    }
    real *params = tensor_alloc((size_t)m.n_params, "params"), *stats = tensor_alloc((size_t)m.n_stats + 1, "stats");
    rng_t rng = rng_seeded(5);
    sequential_init(&m, params, stats, &rng);
    if (bad_param >= 0)
        params[bad_param] = (real)bad;
    if (bad_stat >= 0)
        stats[bad_stat] = (real)bad;
    CHECK_INT(sequential_save(path, &m, params, stats, err, sizeof err), 0);
    free(params);
    free(stats);
}

static void expect_failure(const char *command, const char *needle, const char *what)
{
    program_result r = run_program(command);
    check_one_line_failure(&r, 1, needle, what);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- item 1 */

static void test_a_broken_model_is_refused_once(void)
{
    char cmd[4096];
    const char *nan_model = in_dir("nan.model"), *inf_model = in_dir("inf_stat.model");
    save_model(nan_model, SMALL_NET, 7, -1, NAN);
    save_model(inf_model, "conv 4 5, batchnorm, relu, maxpool 2, flatten, dense 10", -1, 2, INFINITY);
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' --load '%s' --epochs 0", build_dir(),
             data, nan_model);
    expect_failure(cmd, "parameter 7 is nan", "12_deeper --load, a NaN parameter");
    snprintf(cmd, sizeof cmd, "%s/lessons/14_what_it_sees --data '%s' --model '%s' --out '%s'", build_dir(), data,
             inf_model, in_dir("out"));
    expect_failure(cmd, "statistic 2 is inf", "14_what_it_sees --model, an infinite statistic");
}

/* ---------------------------------------------------------------- items 2 and 3 */

static void test_the_class_count_must_match_the_labels(void)
{
    static const char *nets[][2] = {
        { "conv 4 5, relu, maxpool 2, flatten, dense 3", "gives 3 class scores" },
        { "flatten, dense 2, softmax", "gives 2 class scores" },
        { "conv 4 5, relu, maxpool 2, flatten, dense 12", "gives 12 class scores" },
        { "avgpool 14, flatten", "no layer computes class scores" },
        { "flatten", "no layer computes class scores" },
    };
    char cmd[4096];
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' --limit 64 --epochs 1 --net '%s'",
                 build_dir(), data, nets[i][0]);
        expect_failure(cmd, nets[i][1], nets[i][0]);
    }
    const char *three = in_dir("three.model");
    save_model(three, "conv 4 5, relu, maxpool 2, flatten, dense 3", -1, -1, 0);
    snprintf(cmd, sizeof cmd, "%s/lessons/14_what_it_sees --data '%s' --model '%s' --out '%s'", build_dir(), data,
             three, in_dir("out"));
    expect_failure(cmd, "gives 3 class scores", "14_what_it_sees, a 3-class model");
    snprintf(cmd, sizeof cmd, "%s/predict '%s' --test-index 0 --data '%s'", build_dir(), three, data);
    expect_failure(cmd, "gives 3 class scores", "predict, a 3-class model");
}

/* ---------------------------------------------------------------- item 9 */

static void test_a_fifo_is_refused_not_waited_on(void)
{
    char cmd[4096];
    const char *fifo = in_dir("fifo"), *model = in_dir("good.model");
    snprintf(cmd, sizeof cmd, "rm -f '%s' && mkfifo '%s'", fifo, fifo);
    if (!shell_ok(cmd)) {
        printf("  skipped: mkfifo is not available here\n");
        return;
    }
    save_model(model, SMALL_NET, -1, -1, 0);
    static const char *cases[][2] = {
        { "%s/predict '%s' --test-index 0 --data '%s'", "predict MODEL=fifo" },
        { "%s/lessons/12_deeper --progress none --load '%s' --data '%s' --epochs 0", "12_deeper --load fifo" },
        { "%s/lessons/14_what_it_sees --model '%s' --data '%s'", "14_what_it_sees --model fifo" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[2048];
        snprintf(line, sizeof line, cases[i][0], build_dir(), fifo, data);
        snprintf(cmd, sizeof cmd, "sh tests/time_limit.sh 20 %s", line);           /* a hang fails the test, not the suite */
        expect_failure(cmd, "not a regular file", cases[i][1]);
    }
    snprintf(cmd, sizeof cmd, "sh tests/time_limit.sh 20 %s/gradcheck --layer conv --x '%s'", build_dir(), fifo);
    expect_failure(cmd, "not a regular file", "gradcheck --x fifo");
    snprintf(cmd, sizeof cmd, "sh tests/time_limit.sh 20 %s/predict '%s' '%s' --data '%s'", build_dir(), model, fifo, data);
    expect_failure(cmd, "not a regular file", "predict IMAGE=fifo");
    snprintf(cmd, sizeof cmd, "sh tests/time_limit.sh 20 %s/lessons/14_what_it_sees --data '%s' --model '%s' --image '%s' --out '%s'",
             build_dir(), data, model, fifo, in_dir("out"));
    expect_failure(cmd, "not a regular file", "14_what_it_sees --image fifo");
}

/* ---------------------------------------------------------------- item 10 */

/* One training image holds one class: the network answers it for every
 * test image, which is what it learned, not a dead network. */
static void test_one_training_image_is_not_a_dead_network(void)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' --limit 1 --epochs 3 --net '%s'",
             build_dir(), data, SMALL_NET);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    if (r.exit_code != 0)
        printf("  stderr: %s", r.err);
    program_result_free(&r);
}

/* --out inside a loop of symbolic links: stat fails with ELOOP, and the
 * line says so (it said "not a directory"). */
static void test_out_names_the_real_error(void)
{
    char cmd[4096], out[800];
    const char *loop = in_dir("loop");
    snprintf(cmd, sizeof cmd, "rm -f '%s' && ln -s loop '%s'", loop, loop);     /* loop -> loop */
    if (!shell_ok(cmd)) {
        printf("  skipped: ln -s is not available here\n");
        return;
    }
    const char *model = in_dir("good.model");
    save_model(model, SMALL_NET, -1, -1, 0);
    snprintf(out, sizeof out, "%s/pictures", loop);
    snprintf(cmd, sizeof cmd, "%s/lessons/14_what_it_sees --data '%s' --model '%s' --out '%s'", build_dir(), data,
             model, out);
    expect_failure(cmd, strerror(ELOOP), "--out in a loop of links");
}

/* stderr into a file: lines every few seconds, never a carriage return. */
static void test_no_progress_bar_frames_in_a_log(void)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress bar --data '%s' --limit 200 --batch 8 --epochs 1 "
             "--net '%s'", build_dir(), data, SMALL_NET);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK(strchr(r.err, '\r') == NULL);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- also: memory */

static void test_training_memory_is_bounded(void)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' --epochs 1 "
             "--net 'conv 4096 3 same, relu, flatten, dense 10'", build_dir(), data);
    expect_failure(cmd, "--max-memory", "conv 4096 3 same: gigabytes of activations");
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' --epochs 1 --limit 16 --net '%s' "
             "--max-memory 1", build_dir(), data, SMALL_NET);
    expect_failure(cmd, "--max-memory 1 MB", "the small network under 1 MB");
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' --epochs 1 --limit 16 --net '%s' "
             "--max-memory 100", build_dir(), data, SMALL_NET);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);                                     /* about 27 MB: it trains */
    program_result_free(&r);
    /* --batch 1 and still too much: the scoring batch (256 images) is what needs it, so the advice
     * is a smaller network, not a smaller --batch */
    snprintf(cmd, sizeof cmd, "%s/lessons/12_deeper --progress none --data '%s' --epochs 1 --limit 16 --batch 1 "
             "--net '%s' --max-memory 1", build_dir(), data, SMALL_NET);
    r = run_program(cmd);
    check_one_line_failure(&r, 1, "scored 256 at a time", "--batch 1 above --max-memory: the scoring batch");
    CHECK(strstr(r.err, "smaller --batch") == NULL);
    program_result_free(&r);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s", make_tmp_dir("bad_inputs"));
    snprintf(data, sizeof data, "%s/data", dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", data);
    if (!shell_ok(cmd)) {
        printf("cannot create %s\n", data);
        return 1;
    }
    write_synthetic_mnist(data, 300, 100);
    RUN_TEST(test_a_broken_model_is_refused_once);
    RUN_TEST(test_the_class_count_must_match_the_labels);
    RUN_TEST(test_a_fifo_is_refused_not_waited_on);
    RUN_TEST(test_one_training_image_is_not_a_dead_network);
    RUN_TEST(test_out_names_the_real_error);
    RUN_TEST(test_no_progress_bar_frames_in_a_log);
    RUN_TEST(test_training_memory_is_bounded);
    return harness_finish();
}
