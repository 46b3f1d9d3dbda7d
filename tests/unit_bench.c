/* tests/unit_bench.c: `make bench QUICK=1`'s program runs, and its numbers
 * make sense, so the benchmark cannot rot between the times someone runs it
 * in full. No timing thresholds: a sanitizer build, or a busy machine,
 * changes every speed (the full run's table is for reading, not testing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char csv_path[1024];

/* The "ours" column of the first CSV row whose item starts with `item`
 * and has `threads` threads, or -1. */
static double ours(const char *csv, const char *item, int threads)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "\"%s", item);
    for (const char *line = csv; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        const char *end_of_item = strchr(line + 1, '"');
        int t;
        double value;
        char unit[32];
        if (end_of_item && sscanf(end_of_item + 1, ",%d,%31[^,],%lf", &t, unit, &value) == 3 && t == threads)
            return value;
    }
    return -1;
}

static void test_quick_bench_runs_and_writes_every_section(void)
{
    const char *emulator = getenv("EMULATOR");
    if (emulator && emulator[0]) {      /* qemu: ~0.03 GFLOP/s, a training step of Doshi's network takes minutes */
        printf("  skipped under an emulator (%s): an emulated CPU's timings mean nothing\n", emulator);
        return;
    }
    char cmd[2048];
    snprintf(csv_path, sizeof csv_path, "%s/tmp/unit_bench.csv", build_dir());
    remove(csv_path);
    snprintf(cmd, sizeof cmd, "%s/bench --quick --csv '%s' --data /nonexistent", build_dir(), csv_path);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "Targets");
    const char *unit = strstr(r.out, "floats per vector register");   /* 1 (scalar), 4 (SSE, NEON), 8 (AVX), 16 */
    CHECK(unit != NULL);
    if (unit) {
        const char *number = unit - 1;
        while (number > r.out && number[-1] != ' ')
            number--;
        int floats = atoi(number);
        CHECK(floats == 1 || floats == 4 || floats == 8 || floats == 16);
    }
    char *csv = read_text_file(csv_path);
    CHECK(csv != NULL);
    if (csv) {
        double busy = ours(csv, "machine busy", 2);           /* the verdict on the run: 0 quiet, 1 busy */
        CHECK(busy == 0 || busy == 1);
        CHECK(ours(csv, "FMA peak", 1) > 0);
        CHECK(ours(csv, "FMA peak", 2) > 0);
        CHECK(ours(csv, "memory copy", 1) > 0);
        CHECK(ours(csv, "fast   128^3", 2) > 0);
        CHECK(ours(csv, "naive  128^3", 1) > 0);
        CHECK(ours(csv, "doshi3 fwd", 1) > 0);                                         /* the GEMM shapes */
        CHECK(ours(csv, "lesson 10 conv", 1) < 0);                                    /* (a heading, not a row) */
        CHECK(strstr(csv, "forward, wide rows, no im2col\",2,ms,") != NULL);         /* the conv layers */
        CHECK(ours(csv, "training  batch 16, fast", 2) > 0);                          /* the network */
        CHECK(ours(csv, "inference batch 16, naive", 1) > 0);
    }
    free(csv);
    program_result_free(&r);
}

static void test_unknown_flag_is_refused(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/bench --fast-please", build_dir());
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, "--fast-please");
    program_result_free(&r);
}

int main(void)
{
    RUN_TEST(test_quick_bench_runs_and_writes_every_section);
    RUN_TEST(test_unknown_flag_is_refused);
    return harness_finish();
}
