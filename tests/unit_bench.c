/* tests/unit_bench.c: `make bench QUICK=1`'s program runs, and its numbers
 * make sense, so the benchmark cannot rot between the times someone runs it
 * in full. No timing thresholds: a sanitizer build, or a busy machine,
 * changes every speed (the full run's table is for reading, not testing). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "os.h"

static char csv_path[1024];

/* Column `column` (0: ours, 1: PyTorch's, 2: the speed ratio) of the first
 * CSV row whose item starts with `item` and has `threads` threads, or -1
 * (also when that column is empty). */
static double field(const char *csv, const char *item, int threads, int column)
{
    char prefix[160];
    snprintf(prefix, sizeof prefix, "\"%s", item);
    for (const char *line = csv; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        const char *end_of_item = strchr(line + 1, '"');
        int t, used = 0;
        char unit[32];
        if (!end_of_item || sscanf(end_of_item + 1, ",%d,%31[^,],%n", &t, unit, &used) != 2 || used == 0 || t != threads)
            continue;
        const char *p = end_of_item + 1 + used;
        for (int c = 0; c < column && p; c++)
            p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
        double value;
        return p && *p != ',' && sscanf(p, "%lf", &value) == 1 ? value : -1;
    }
    return -1;
}

/* The "ours" column of such a row, or -1. */
static double ours(const char *csv, const char *item, int threads)
{
    return field(csv, item, threads, 0);
}

/* Under an emulator (qemu: ~0.03 GFLOP/s) a training step of Doshi's
 * network takes minutes and the timings mean nothing: 1 and a line saying so. */
static int skipped_under_emulator(void)
{
    const char *emulator = getenv("EMULATOR");
    if (emulator && emulator[0])
        printf("  skipped under an emulator (%s): an emulated CPU's timings mean nothing\n", emulator);
    return emulator && emulator[0];
}

/* A stand-in for PyTorch's script: a shell script at build/tmp/NAME that
 * prints `lines` whatever its arguments, for bench's --torch. Returns 0. */
static int write_stand_in(const char *name, const char *lines, char *path, size_t size)
{
    snprintf(path, size, "%s/tmp/%s", build_dir(), name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return -1;
    fputs(lines, f);
    CHECK(fclose(f) == 0);
    return 0;
}

static void test_quick_bench_runs_and_writes_every_section(void)
{
    if (skipped_under_emulator())
        return;
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
        CHECK(ours(csv, "round 1: Doshi's network, training", 2) > 0);               /* one paired round */
        CHECK(ours(csv, "round 1: GEMM 1024^3, 2 threads over 1", 2) > 0);
        CHECK(ours(csv, "round 2:", 2) < 0);
    }
    free(csv);
    program_result_free(&r);
}

/* The paired rounds with a stand-in for PyTorch's script that prints fixed
 * figures: each round's row carries them, its ratio is ours over theirs (or
 * theirs over ours for milliseconds), and the verdict's median is the
 * median of the rounds' ratios. */
static void test_paired_rounds_take_the_median(void)
{
    if (skipped_under_emulator())
        return;
    char script[1024], csv[1024], cmd[4096];
    if (write_stand_in("unit_bench_fake_torch.sh",
                       "echo torch_version,0.0\necho torch_config,a stand-in\n"
                       "for mode in train infer; do echo small,$mode,b16,t2,1000; done\n"
                       "for layer in doshi1 doshi2 doshi3; do echo conv,$layer,fwd,t2,2; echo conv,$layer,bwd,t2,3; done\n"
                       "echo doshi,train,b8,t2,100\necho doshi,infer,b8,t2,400\n",
                       script, sizeof script) != 0)
        return;
    snprintf(csv, sizeof csv, "%s/tmp/unit_bench_rounds.csv", build_dir());
    remove(csv);
    snprintf(cmd, sizeof cmd, "%s/bench --quick --rounds 3 --torch 'sh %s' --csv '%s' --data /nonexistent", build_dir(),
             script, csv);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "median of the quiet ones of 3 paired rounds");
    CHECK_CONTAINS(r.out, "round 3 of 3:");
    char *text = read_text_file(csv);
    CHECK(text != NULL);
    if (text) {
        CHECK(field(text, "training (Adam) batch 8, fast", 2, 1) == 100);       /* the table's row */
        double ratio[3];
        int quiet = 0;                                  /* the median is of the quiet rounds (bench.c) */
        for (int i = 0; i < 3; i++) {
            char item[128];
            snprintf(item, sizeof item, "round %d: quiet (1) or busy (0)", i + 1);
            double flag = ours(text, item, 2);
            CHECK(flag == 0 || flag == 1);
            snprintf(item, sizeof item, "round %d: Doshi's network, training", i + 1);
            double mine = field(text, item, 2, 0);
            CHECK(field(text, item, 2, 1) == 100);
            if (flag == 1)
                ratio[quiet++] = field(text, item, 2, 2);
            CHECK(fabs(field(text, item, 2, 2) - mine / 100) <= 2e-3 * mine / 100 + 2e-3);   /* the CSV's digits */
            snprintf(item, sizeof item, "round %d: deeper network's 3 conv layers", i + 1);
            CHECK(field(text, item, 2, 1) == 15);                               /* 3 x (2 + 3) ms */
            double conv = field(text, item, 2, 0);      /* -1: a tiny backward lost in the timer's noise */
            if (conv < 0)
                CHECK(field(text, item, 2, 2) == -1);
            else
                CHECK(fabs(field(text, item, 2, 2) - 15 / conv) <= 2e-3 * field(text, item, 2, 2) + 2e-3);
        }
        CHECK_INT((int)ours(text, "quiet paired rounds", 2), quiet);
        double middle = -1;                             /* the median of the quiet rounds' ratios */
        if (quiet == 1)
            middle = ratio[0];
        else if (quiet == 2)
            middle = (ratio[0] + ratio[1]) / 2;
        else if (quiet == 3) {
            double lo = ratio[0] < ratio[1] ? ratio[0] : ratio[1], hi = ratio[0] < ratio[1] ? ratio[1] : ratio[0];
            middle = ratio[2] < lo ? lo : ratio[2] > hi ? hi : ratio[2];
        }
        double judged = ours(text, "median of the rounds: Doshi's network, training", 2);
        CHECK(fabs(judged - middle) <= 2e-3 * (middle > 0 ? middle : 1) + 2e-3);
        if (2 * quiet <= 3)                             /* the quick probes are short: this happens */
            CHECK_CONTAINS(r.out, "unreliable (too few quiet rounds)");
        else
            CHECK(strstr(r.out, "unreliable") == NULL);
    }
    free(text);
    program_result_free(&r);
}

/* The witness of the paired rounds: processor time of the machine and of
 * this process. A fifth of a second of our arithmetic, by ISO C's clock(),
 * shows in both (no timing threshold: however busy the machine, the loop
 * runs until it has had that much). */
static void test_cpu_times_count_our_work(void)
{
    os_cpu_times before, after;
    if (os_cpu_times_now(&before) != 0) {
        CHECK(before.machine_busy == -1 && before.own == -1);
        printf("  skipped: this system does not say (no /proc/stat or no times())\n");
        return;
    }
    CHECK(before.machine_busy >= before.own && before.own >= 0 && before.machine_stolen >= 0);
    volatile double sink = 0;
    clock_t start = clock();
    while ((double)(clock() - start) / CLOCKS_PER_SEC < 0.2)
        for (int i = 0; i < 100000; i++)
            sink += 1e-9 * i;
    CHECK_INT(os_cpu_times_now(&after), 0);
    double own = after.own - before.own, machine = after.machine_busy - before.machine_busy;
    CHECK(own >= 0.15);                                /* ticks of 10 ms, and clock()'s own rounding */
    CHECK(machine >= own - 0.05);                       /* ours is part of the machine's */
    CHECK(sink > 0);
}

/* What PyTorch's side printed is read with care: a figure that is not a
 * number, or 0 or inf, is left out with one line saying so, never
 * compared; a CSV that cannot be written is refused before the run. */
static void test_bad_figures_and_paths_are_refused(void)
{
    if (skipped_under_emulator())
        return;
    char script[1024], csv[1024], cmd[4096];
    if (write_stand_in("unit_bench_bad_torch.sh",
                       "echo doshi,train,b8,t2,12abc\necho doshi,infer,b8,t2,inf\necho garbage\necho doshi,train,b8,t1,0\n",
                       script, sizeof script) != 0)
        return;
    snprintf(csv, sizeof csv, "%s/tmp/unit_bench_bad.csv", build_dir());
    snprintf(cmd, sizeof cmd, "%s/bench --quick --rounds 0 --torch 'sh %s' --csv '%s' --data /nonexistent", build_dir(),
             script, csv);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);                                  /* the comparison is optional */
    CHECK_CONTAINS(r.out, "4 lines of");
    CHECK_CONTAINS(r.out, "not understood and left out (the first: 'doshi,train,b8,t2,12abc')");
    CHECK_CONTAINS(r.out, "no comparison");
    char *text = read_text_file(csv);
    CHECK(text != NULL);
    if (text)
        CHECK(field(text, "training (Adam) batch 8, fast", 2, 1) == -1);   /* no PyTorch figure */
    free(text);
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "%s/bench --quick --csv /nonexistent-dir/x.csv", build_dir());
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, "/nonexistent-dir/x.csv");
    CHECK(strstr(r.out, "GEMM") == NULL);                       /* refused before any work */
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
    snprintf(cmd, sizeof cmd, "%s/bench --rounds 10", build_dir());
    r = run_program(cmd);
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, "--rounds");
    program_result_free(&r);
}

int main(void)
{
    RUN_TEST(test_quick_bench_runs_and_writes_every_section);
    RUN_TEST(test_paired_rounds_take_the_median);
    RUN_TEST(test_cpu_times_count_our_work);
    RUN_TEST(test_bad_figures_and_paths_are_refused);
    RUN_TEST(test_unknown_flag_is_refused);
    return harness_finish();
}
