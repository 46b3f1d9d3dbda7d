/* tests/sources.c: what a student reads names the course's sources by title
 * or author (notes/00_sources.md), never by the internal word "seed", and
 * cites no file the student does not have (GUIDE.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* How many lines of the student-facing files match the extended regex
 * (this file excepted); -1 if grep failed. */
static int matching_lines(const char *regex, const char *files)
{
    char cmd[1024];
    make_tmp_dir("sources");
    write_test_file(tmp_path("pattern"), regex, strlen(regex));
    /* ls -d: a handout has no solutions/. find and grep with POSIX options only (BSD and busybox
     * grep have no --exclude); /dev/null: grep names the file even when find passes one. */
    snprintf(cmd, sizeof cmd, "find $(ls -d %s 2> /dev/null) -type f ! -name sources.c ! -name '*.png' "
             "-exec grep -nE -f '%s' /dev/null {} +", files, tmp_path("pattern"));
    program_result r = run_program(cmd);
    int n = r.exit_code > 1 ? -1 : count_lines_containing(r.out, ":");
    if (n != 0)
        printf("%.2000s%s", r.out, r.err);
    program_result_free(&r);
    return n;
}

#define STUDENT_FILES "README.md lessons notes exercises solutions tests src/tools src/*.h"

static void test_no_file_says_seed_00n(void)
{
    CHECK_INT(matching_lines("[Ss]eeds? ?0[0-4][0-9]|[Ss]eeds? (0[0-4][0-9] and|[0-9]+,)|[Tt]he seeds\\b|seeds?'", STUDENT_FILES), 0);
}

static void test_notes_cite_no_guide(void)
{
    CHECK_INT(matching_lines("GUIDE", "README.md notes lessons exercises"), 0);
}

static void test_the_sources_page_names_all_five(void)
{
    char *page = read_text_file("notes/00_sources.md");
    CHECK(page != NULL);
    if (!page)
        return;
    CHECK_CONTAINS(page, "*Building a Convolutional Neural Network* | Maya Gonzalez, Occidental College");
    CHECK_CONTAINS(page, "*Convolutional Neural Networks* (slides) | Parth Doshi, Spring 2023");
    CHECK_CONTAINS(page, "*Convolutional Neural Nets 2* | Neal Bayya, February 27, 2019");
    CHECK_CONTAINS(page, "*Some notes on CNN*");
    CHECK_CONTAINS(page, "*Introduction To CNN*");
    free(page);
}

int main(void)
{
    RUN_TEST(test_no_file_says_seed_00n);
    RUN_TEST(test_notes_cite_no_guide);
    RUN_TEST(test_the_sources_page_names_all_five);
    return harness_finish();
}
