/* tests/unit_real_mix.c: a program built for one real type cannot be linked
 * with the library of the other (src/real.h), and the gradient checker in a
 * float build warns that float is too coarse for it.
 *
 * It compiles a small program with the same compiler and flags as the
 * build ($CC and $TEST_CFLAGS, which the Makefile passes; default cc), in
 * the four combinations of -DREAL_DOUBLE and the two libraries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *dir;

/* softmax([0, 0, 0, 1, 0]) and, given an argument, a gradient check of
 * L = x . w over 200 entries (dL/dw = x, a correct analytic gradient). */
static const char *const program_text =
    "#include <stdio.h>\n"
    "#include \"gradcheck.h\"\n"
    "#include \"loss.h\"\n"
    "static real x[200], w[200], dw[200];\n"
    "static double dot(void *ctx) { (void)ctx; real s = 0; for (int i = 0; i < 200; i++) s += x[i] * w[i];"
    " return (double)s; }\n"
    "int main(int argc, char **argv) {\n"
    "    (void)argv;\n"
    "    const real z[5] = { 0, 0, 0, 1, 0 };\n"
    "    real p[5];\n"
    "    softmax(z, p, 5);\n"
    "    printf(\"softmax %.6f %.6f\\n\", (double)p[0], (double)p[3]);\n"
    "    if (argc > 1) {\n"
    "        for (int i = 0; i < 200; i++) { x[i] = (real)(1 + i % 7) / 3; w[i] = (real)(i % 5) - 2; dw[i] = x[i]; }\n"
    "        int dims[1] = { 200 };\n"
    "        gradcheck_result r = gradcheck_tensor(\"dw\", w, dw, dims, 1, dot, NULL, GRADCHECK_STEP);\n"
    "        gradcheck_print(stdout, &r);\n"
    "    }\n"
    "    return 0;\n"
    "}\n";

/* Compile the program with or without -DREAL_DOUBLE and link it with
 * libcnn_<library>.a; returns the compiler's result. */
static program_result build(int real_double, const char *library, const char *exe)
{
    const char *cc = getenv("CC"), *flags = getenv("TEST_CFLAGS");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s -std=c11 %s %s -Isrc '%s' '%s/libcnn_%s.a' -lm -o '%s'", cc && cc[0] ? cc : "cc",
             flags ? flags : "", real_double ? "-DREAL_DOUBLE" : "", tmp_path("mix.c"), build_dir(), library,
             tmp_path(exe));
    return run_program(cmd);
}

static void test_matching_types_link_and_compute(void)
{
    program_result r = build(1, "double", "double_double");
    CHECK_INT(r.exit_code, 0);
    program_result_free(&r);
    r = run_program(tmp_path("double_double"));
    CHECK_CONTAINS(r.out, "softmax 0.148848 0.404610");
    program_result_free(&r);
    r = build(0, "float", "float_float");
    CHECK_INT(r.exit_code, 0);
    program_result_free(&r);
    r = run_program(tmp_path("float_float"));
    CHECK_CONTAINS(r.out, "softmax 0.148848 0.404610");
    program_result_free(&r);
}

/* A mix is a link error that says what to do (it used to link and print nonsense). */
static void test_a_mix_does_not_link(void)
{
    program_result r = build(0, "double", "float_double");
    CHECK(r.exit_code != 0);
    CHECK_CONTAINS(r.err, "real_is_float__link_with_libcnn_float_a");
    program_result_free(&r);
    r = build(1, "float", "double_float");
    CHECK(r.exit_code != 0);
    CHECK_CONTAINS(r.err, "real_is_double__link_with_libcnn_double_a");
    program_result_free(&r);
}

/* In float, a correct gradient looks wrong: the checker says why, once. */
static void test_float_gradient_check_warns(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' check", tmp_path("float_float"));
    program_result r = run_program(cmd);
    CHECK_INT(r.exit_code, 0);
    printf("  float build: %s", r.out);
    CHECK_CONTAINS(r.err, "warning");
    CHECK_CONTAINS(r.err, "real = float");
    CHECK_CONTAINS(r.err, "-DREAL_DOUBLE");
    CHECK_INT(count_lines_containing(r.err, "warning"), 1);
    program_result_free(&r);
    snprintf(cmd, sizeof cmd, "'%s' check", tmp_path("double_double"));
    r = run_program(cmd);
    CHECK(r.err[0] == '\0');                           /* the double build: no warning, and good */
    CHECK(line_ends_with(r.out, "max rel error", "good"));
    program_result_free(&r);
}

int main(void)
{
    dir = make_tmp_dir("unit_real_mix");
    write_test_file(tmp_path("mix.c"), program_text, strlen(program_text));
    RUN_TEST(test_matching_types_link_and_compute);
    RUN_TEST(test_a_mix_does_not_link);
    RUN_TEST(test_float_gradient_check_warns);
    return harness_finish();
}
