/* tests/similarity_tool.c: build/similarity (src/tools/similarity.c), the
 * winnowing report of make similarity, on made-up submissions of exercise 05:
 * a copy with every name changed, comments rewritten and lines rejoined is
 * found; two solutions written independently are not; two untouched
 * skeletons share nothing once the skeleton is ignored; bad arguments and
 * unreadable files get one clear line; make similarity (src/tools/similarity.sh)
 * compares the file make grade grades (a nested folder, a browser's
 * "05_pooling (1).c", the folder with the most exercises when there are two;
 * not a link to a folder). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* An independent solution of exercise 05 (not derived from solutions/). */
static const char *independent =
    "#include \"05_pooling.h\"\n"
    "\n"
    "/* the size of the output along one side */\n"
    "static int pooled(int n, int k, int s) { return (n - k) / s + 1; }\n"
    "\n"
    "void max_pool_forward(const double *x, int h, int w, int k, int stride, double *y, int *argmax)\n"
    "{\n"
    "    int oh = pooled(h, k, stride), ow = pooled(w, k, stride);\n"
    "    int o = 0;\n"
    "    while (o < oh * ow) {\n"
    "        int r0 = (o / ow) * stride, c0 = (o % ow) * stride;\n"
    "        int where = r0 * w + c0;\n"
    "        double top = x[where];\n"
    "        int p = 0;\n"
    "        while (p < k * k) {\n"
    "            int idx = (r0 + p / k) * w + c0 + p % k;\n"
    "            if (top < x[idx]) { top = x[idx]; where = idx; }\n"
    "            ++p;\n"
    "        }\n"
    "        y[o] = top;\n"
    "        argmax[o] = where;\n"
    "        ++o;\n"
    "    }\n"
    "}\n"
    "\n"
    "void max_pool_backward(const double *dy, const int *argmax, int h, int w, int k, int stride, double *dx)\n"
    "{\n"
    "    int count = pooled(h, k, stride) * pooled(w, k, stride);\n"
    "    for (int p = h * w - 1; p >= 0; --p) dx[p] = 0.0;\n"
    "    for (int o = count - 1; o >= 0; --o) dx[argmax[o]] = dx[argmax[o]] + dy[o];\n"
    "}\n"
    "\n"
    "void avg_pool_forward(const double *x, int h, int w, int k, int stride, double *y)\n"
    "{\n"
    "    int oh = pooled(h, k, stride), ow = pooled(w, k, stride);\n"
    "    double area = (double)(k * k);\n"
    "    for (int o = 0; o < oh * ow; ++o) {\n"
    "        double acc = 0.0;\n"
    "        for (int p = 0; p < k * k; ++p)\n"
    "            acc = acc + x[((o / ow) * stride + p / k) * w + (o % ow) * stride + p % k];\n"
    "        y[o] = acc / area;\n"
    "    }\n"
    "}\n"
    "\n"
    "void avg_pool_backward(const double *dy, int h, int w, int k, int stride, double *dx)\n"
    "{\n"
    "    int oh = pooled(h, k, stride), ow = pooled(w, k, stride);\n"
    "    double area = (double)(k * k);\n"
    "    for (int p = 0; p < h * w; ++p) dx[p] = 0.0;\n"
    "    for (int o = 0; o < oh * ow; ++o)\n"
    "        for (int p = 0; p < k * k; ++p)\n"
    "            dx[((o / ow) * stride + p / k) * w + (o % ow) * stride + p % k] += dy[o] / area;\n"
    "}\n"
;

/* text with every whole-word `from[i]` replaced by `to[i]`. */
static char *rename_words(const char *text, const char *const *from, const char *const *to, int n)
{
    size_t cap = strlen(text) * 2 + 1, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = text; *p;) {
        int done = 0;
        int word_start = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
        for (int i = 0; i < n && word_start && !done; i++) {
            size_t l = strlen(from[i]);
            if (strncmp(p, from[i], l) != 0)
                continue;
            char after = p[l];
            if (!(after == '_' || (after >= 'a' && after <= 'z') || (after >= '0' && after <= '9'))) {
                memcpy(out + len, to[i], strlen(to[i]));
                len += strlen(to[i]);
                p += l;
                done = 1;
            }
        }
        if (!done)
            out[len++] = *p++;
    }
    out[len] = '\0';
    return out;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        int ok = fputs(text, f) >= 0;
        CHECK(fclose(f) == 0 && ok);
    }
}

static program_result similarity(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s/similarity --skeleton exercises/05_pooling.c %s", build_dir(), args);
    return run_program(cmd);
}

/* The percent the tool gives the pair "a and b", or -1 when it is not listed. */
static int share_of(const char *out, const char *a, const char *b)
{
    char key[256];
    snprintf(key, sizeof key, "%s and %s: ", a, b);
    const char *at = strstr(out, key);
    if (!at)
        return -1;
    at = strstr(at, "fingerprints shared, ");
    return at ? atoi(at + strlen("fingerprints shared, ")) : -1;
}

static void test_a_renamed_copy_is_found_and_independent_work_is_not(void)
{
    const char *dir = make_tmp_dir("similarity_tool");
    static const char *const from[] = { "top", "where", "acc", "area", "pooled", "count", "idx", "oh", "ow",
                                        "the size of the output along one side" };
    static const char *const to[] = { "best_value", "best_at", "s", "window_area", "out_size", "n_outputs",
                                      "i", "rows", "cols", "how many windows fit" };
    char *copy = rename_words(independent, from, to, 10);
    CHECK(copy != NULL);
    if (!copy)
        return;
    char a[1024], b[1024], c[1024], s1[1024], s2[1024], args[8192];
    snprintf(a, sizeof a, "%s/cy.c", dir);
    snprintf(b, sizeof b, "%s/copied.c", dir);
    snprintf(c, sizeof c, "%s/solution.c", dir);
    snprintf(s1, sizeof s1, "%s/stub1.c", dir);
    snprintf(s2, sizeof s2, "%s/stub2.c", dir);
    write_text(a, independent);
    write_text(b, copy);
    CHECK(strstr(copy, "top") == NULL && strstr(copy, "best_value") != NULL);   /* the renaming took */
    free(copy);
    char *stub = read_text_file("exercises/05_pooling.c");
    CHECK(stub != NULL);
    write_text(s1, stub ? stub : "");
    write_text(s2, stub ? stub : "");
    free(stub);
    char *solution = read_text_file("solutions/05_pooling.c");
    if (solution)
        write_text(c, solution);
    snprintf(args, sizeof args, "--file cy '%s' --file copier '%s' --file stub1 '%s' --file stub2 '%s'", a, b, s1, s2);
    if (solution) {
        size_t l = strlen(args);
        snprintf(args + l, sizeof args - l, " --file ana '%s'", c);
    }
    program_result r = similarity(args);
    CHECK_INT(r.exit_code, 0);
    CHECK(share_of(r.out, "cy", "copier") >= 90);
    CHECK_CONTAINS(r.out, "best_value");                       /* the shared lines, side by side */
    CHECK(share_of(r.out, "stub1", "stub2") == -1);            /* the skeleton is ignored */
    CHECK(count_lines_containing(r.out, "fingerprints shared") == 1);   /* only the copy */
    program_result_free(&r);
    if (solution) {   /* the two independent solutions, even with no threshold, share little */
        snprintf(args, sizeof args, "--threshold 0 --file cy '%s' --file ana '%s'", a, c);
        r = similarity(args);
        int share = share_of(r.out, "cy", "ana");
        CHECK(share < 20);
        program_result_free(&r);
    } else {
        printf("  no solutions/ here (a handout): the second independent solution is missing\n");
    }
    free(solution);
}

/* make similarity on a class folder: each student's file is the one make grade
 * grades (tests/student_files.sh), whatever it is called and wherever it is. */
static void test_the_script_compares_the_files_make_grade_grades(void)
{
    const char *dir = make_tmp_dir("similarity_script");
    char cmd[4096], path[2048];
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s/class' && mkdir -p '%s/class/ana' '%s/class/ben/ben zip/exercises' '%s/class/cy/old' "
             "'%s/class/cy/mine/exercises' && cp exercises/01_convolution.c '%s/class/cy/mine/exercises/' && "
             "cp exercises/05_pooling.c '%s/class/cy/old/' && ln -s ana '%s/class/ana-link'",
             dir, dir, dir, dir, dir, dir, dir, dir);
    CHECK(shell_ok(cmd));
    snprintf(path, sizeof path, "%s/class/ana/05_pooling.c", dir);
    write_text(path, independent);
    snprintf(path, sizeof path, "%s/class/ben/ben zip/exercises/05_pooling (1).c", dir);   /* a browser's name */
    write_text(path, independent);
    snprintf(path, sizeof path, "%s/class/cy/mine/exercises/05_pooling.c", dir);   /* graded: 2 exercises */
    write_text(path, independent);
    snprintf(cmd, sizeof cmd, "BUILD='%s' SIMILARITY_EX=5 sh src/tools/similarity.sh '%s/class'", build_dir(), dir);
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "3 students have it");              /* not ana-link: make grade skips links */
    CHECK(share_of(r.out, "ana", "ben") == 100);
    CHECK(share_of(r.out, "ana", "cy") == 100);                /* mine/exercises, not old's skeleton */
    CHECK_CONTAINS(r.out, "05_pooling (1).c");
    program_result_free(&r);
}

static void test_bad_arguments_get_one_line(void)
{
    program_result r = similarity("--k 1 --file a x --file b y");
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, "--k 1");
    program_result_free(&r);
    r = similarity("--file a exercises/05_pooling.c");
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, "at least two");
    program_result_free(&r);
    r = similarity("--file a exercises/05_pooling.c --file b no/such/file.c");
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, "no/such/file.c: cannot open it");
    program_result_free(&r);
    r = similarity("--file a exercises/05_pooling.c --file b exercises");   /* a folder */
    CHECK(r.exit_code != 0);
    CHECK_CONTAINS(r.err, "exercises");
    program_result_free(&r);
}

int main(void)
{
    RUN_TEST(test_a_renamed_copy_is_found_and_independent_work_is_not);
    RUN_TEST(test_the_script_compares_the_files_make_grade_grades);
    RUN_TEST(test_bad_arguments_get_one_line);
    return harness_finish();
}
