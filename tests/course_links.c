/* tests/course_links.c: every lesson points back and forward. Each note
 * (notes/NN_x.md) opens, under its title, with what it builds on and ends
 * with what comes next (the next lesson's note, by file name), and each
 * lesson program's last line names the next lesson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The lessons that exist, in order, found once from lessons/NN_*.c. */
static int lesson_numbers[100], lesson_count;

static void find_lessons(void)
{
    program_result r = run_program("ls lessons/[0-9][0-9]_*.c");
    for (const char *p = r.out; *p && lesson_count < 100; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
        const char *name = strstr(p, "lessons/");
        if (name && name[8] >= '0' && name[8] <= '9')
            lesson_numbers[lesson_count++] = (name[8] - '0') * 10 + (name[9] - '0');
    }
    program_result_free(&r);
}

/* notes/NN_*.md or lessons/NN_*.c, by number ("" when there is none). */
static const char *path_of(const char *dir, int n, const char *ext)
{
    static char path[512];
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s/%02d_*%s 2> /dev/null | head -n 1", dir, n, ext);
    program_result r = run_program(cmd);
    snprintf(path, sizeof path, "%s", r.out);
    path[strcspn(path, "\n")] = '\0';
    program_result_free(&r);
    return path;
}

static void test_each_note_says_what_it_builds_on_and_what_comes_next(void)
{
    CHECK(lesson_count >= 15);
    for (int i = 0; i < lesson_count; i++) {
        int n = lesson_numbers[i], last_lesson = i == lesson_count - 1;
        char name[512], next[512] = "";
        snprintf(name, sizeof name, "%s", path_of("notes", n, ".md"));
        if (!last_lesson)
            snprintf(next, sizeof next, "%s", path_of("notes", lesson_numbers[i + 1], ".md"));
        char *text = read_text_file(name);
        CHECK(text != NULL);
        if (!text)
            continue;
        const char *third = strchr(text, '\n');               /* the title, a blank line, then ... */
        third = third ? strchr(third + 1, '\n') : NULL;
        int opens = third && strncmp(third + 1, "Builds on: ", 11) == 0;
        size_t len = strlen(text);
        while (len > 0 && text[len - 1] == '\n')
            text[--len] = '\0';
        const char *last = text;                              /* the last paragraph */
        for (const char *p = text; (p = strstr(p, "\n\n")) != NULL; p += 2)
            last = p + 2;
        int ends = strncmp(last, "Next: ", 6) == 0 &&
                   (last_lesson ? strstr(last, "last lesson") != NULL : strstr(last, next) != NULL);
        if (!opens || !ends)
            printf("    %s: %s\n", name, !opens ? "no 'Builds on: ' line under the title" : "the last paragraph is not 'Next: ' with the next note");
        CHECK(opens && ends);
        free(text);
    }
}

static void test_each_lesson_names_the_next_last(void)
{
    for (int i = 0; i < lesson_count; i++) {
        int n = lesson_numbers[i];
        char *text = read_text_file(path_of("lessons", n, ".c"));
        CHECK(text != NULL);
        if (!text)
            continue;
        char want[64];
        if (i < lesson_count - 1)
            snprintf(want, sizeof want, "Next: lesson %02d, ", lesson_numbers[i + 1]);
        else
            snprintf(want, sizeof want, "Next: this was the last lesson");
        const char *at = strstr(text, want);
        const char *end = strstr(text, "    return 0;\n}\n");
        while (end && strstr(end + 1, "    return 0;\n}\n"))
            end = strstr(end + 1, "    return 0;\n}\n");
        /* the printf of "Next" is the line before main's last "return 0;" */
        int ok = at && end && strchr(at, '\n') + 1 == end;
        if (!ok)
            printf("    lesson %02d: main does not end by printing \"%s\"\n", n, want);
        CHECK(ok);
        free(text);
    }
    /* and as it runs: lesson 01's last line */
    program_result r = run_lesson("01_convolution", "");
    CHECK_INT(r.exit_code, 0);
    const char *last = r.out, *p = r.out;
    while ((p = strchr(p, '\n')) != NULL && p[1])
        last = ++p;
    CHECK(strncmp(last, "Next: lesson 02, ", 17) == 0);
    program_result_free(&r);
}

/* notes/INSTRUCTORS.md (the instructor's copy only) is a plan: its sections,
 * and three quiz questions with their answers for every lesson there is. */
static void test_the_instructors_plan_has_every_lesson_s_quiz(void)
{
    char *text = read_text_file("notes/INSTRUCTORS.md");
    if (!text) {
        printf("    no notes/INSTRUCTORS.md here (a handout): nothing to check\n");
        return;
    }
    static const char *sections[] = { "\n## Prerequisites", "\n## Learning objectives", "\n## A term plan",
                                      "\n## Quiz questions", "\n## Grading", "\n## Similar submissions",
                                      "\n## Academic honesty" };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        CHECK_CONTAINS(text, sections[i]);
    const char *quiz = strstr(text, "\n## Quiz questions");
    const char *quiz_end = quiz ? strstr(quiz + 1, "\n## ") : NULL;
    for (int i = 0; quiz && quiz_end && i < lesson_count; i++) {
        char head[16];
        snprintf(head, sizeof head, "\n**%02d.**", lesson_numbers[i]);
        const char *at = strstr(quiz, head);
        if (!at || at > quiz_end) {
            printf("    lesson %02d has no quiz questions in notes/INSTRUCTORS.md\n", lesson_numbers[i]);
            CHECK(0);
            continue;
        }
        const char *end = strstr(at + 1, "\n**");
        if (!end || end > quiz_end)
            end = quiz_end;
        int questions = 0, answers = 0;
        for (const char *p = at; p < end; p++) {
            questions += (strncmp(p, "(1) ", 4) == 0 || strncmp(p, "(2) ", 4) == 0 || strncmp(p, "(3) ", 4) == 0);
            answers += strncmp(p, "*Answer:*", 9) == 0;
        }
        if (questions != 3 || answers != 3) {
            printf("    lesson %02d: %d quiz questions and %d answers, not 3 and 3\n", lesson_numbers[i], questions,
                   answers);
            CHECK(0);
        }
    }
    CHECK(quiz && quiz_end);
    free(text);
}

int main(void)
{
    find_lessons();
    RUN_TEST(test_each_note_says_what_it_builds_on_and_what_comes_next);
    RUN_TEST(test_each_lesson_names_the_next_last);
    RUN_TEST(test_the_instructors_plan_has_every_lesson_s_quiz);
    return harness_finish();
}
