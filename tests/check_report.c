/* tests/check_report.c: report_crash of tests/check.sh (make check, make
 * grade) on what the sanitizers print: the place of the error in the
 * student's file, once, whether the sanitizer writes the file's name after a
 * path (AddressSanitizer's stack) or at the start of its line (UBSan). */
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* report_crash's output for a task whose stderr was `err`, ex_dir "/class/ana". */
static program_result report(const char *err)
{
    const char *dir = make_tmp_dir("check_report");
    char path[1024], cmd[4096];
    snprintf(path, sizeof path, "%s/task.err", dir);
    write_test_file(path, err, strlen(err));
    snprintf(cmd, sizeof cmd,
             "CHECK_SH_FUNCTIONS=1 . tests/check.sh && ex_dir=/class/ana && report_crash 1 86 'window_sum(x)' '%s'",
             path);
    return run_program(cmd);
}

static void test_ubsan_names_the_line_once(void)
{
    program_result r = report("03_padding_stride.c:40:44: runtime error: signed integer overflow: "
                              "2 + 2147483646 cannot be represented in type 'int'\n");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "signed integer overflow");
    CHECK_CONTAINS(r.out, "at /class/ana/03_padding_stride.c:40\n");
    CHECK_INT(count_lines_containing(r.out, "runtime error"), 1);   /* not repeated after "at" */
    CHECK_CONTAINS(r.out, "window_sum(x)");
    program_result_free(&r);
}

static void test_asan_names_the_line(void)
{
    program_result r = report("==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020\n"
                              "    #0 0x55d1 in window_sum /tmp/run/students/001/01_convolution.c:17:13\n"
                              "    #1 0x55d2 in task_2 /work/tests/exercise_01.c:80:5\n");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "AddressSanitizer: heap-buffer-overflow");
    CHECK_CONTAINS(r.out, "at /class/ana/01_convolution.c:17\n");
    program_result_free(&r);
}

int main(void)
{
    RUN_TEST(test_ubsan_names_the_line_once);
    RUN_TEST(test_asan_names_the_line);
    return harness_finish();
}
