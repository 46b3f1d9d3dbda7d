/* tests/unit_out_file.c: writing files safely (src/out_file.h), and every
 * program's standard output checked at exit.
 *
 * Failures are made without touching a system path: a full-disk device made
 * with mknod in the test's own scratch directory (skipped with a note where
 * mknod is not permitted). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_error.h"
#include "harness.h"
#include "os.h"
#include "out_file.h"
#include "pgm.h"

static const char *dir;   /* $BUILD_DIR/tmp/unit_out_file */

static int count_temp_file(const char *name, void *count)
{
    if (strstr(name, ".tmp-") != NULL)
        ++*(int *)count;
    return 0;
}

/* Files in dir whose name contains ".tmp-" (left-over temporary files). */
static int temp_files_left(void)
{
    int n = 0;
    CHECK_INT(os_list_dir(dir, count_temp_file, &n), 0);
    return n;
}

static int exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

/* A save killed halfway (kill -9) leaves TARGET.tmp-PID-N behind, which
 * nothing removed: the next save of the same target removes it once its
 * process is gone, and keeps a running process's (PID 1's, or our own),
 * another target's, and names out_file does not give. */
static void test_stale_temp_files_are_removed(void)
{
    const char *path = tmp_path("model.bin");
    /* A process that is gone: 4194307 is above Linux's largest process id (2^22), macOS's and the
     * BSDs' (99999), and not a multiple of 4, which every Windows process id is. Running: init
     * (process 1) on POSIX systems; on Windows, our own process stands in for it. */
    unsigned long gone = 4194307ul;
#ifdef _WIN32
    unsigned long running_pid = os_process_id();
#else
    unsigned long running_pid = 1;
#endif
    char stale[1200], running[1200], own[1200], odd[1200], other_target[1200];
    snprintf(stale, sizeof stale, "%s.tmp-%lu-1", path, gone);
    snprintf(running, sizeof running, "%s.tmp-%lu-1", path, running_pid);
    snprintf(own, sizeof own, "%s.tmp-%lu-999", path, os_process_id());
    snprintf(odd, sizeof odd, "%s.tmp-%lu-1.keep", path, gone);
    snprintf(other_target, sizeof other_target, "%s.tmp-%lu-1", tmp_path("other.bin"), gone);
    const char *planted[] = { stale, running, own, odd, other_target };
    for (int i = 0; i < 5; i++)
        write_test_file(planted[i], "partial", 7);
    char err[FILE_ERROR_SIZE] = "";
    CHECK_INT(out_file_write_whole(path, "whole\n", 6, err, sizeof err), 0);
    CHECK(!exists(stale));                                /* the killed save's file: removed */
    CHECK(exists(running));
    CHECK(exists(own));
    CHECK(exists(odd));
    CHECK(exists(other_target));
    char *text = read_text_file(path);
    CHECK(text != NULL && strcmp(text, "whole\n") == 0);
    free(text);
    for (int i = 0; i < 5; i++)
        remove(planted[i]);
    remove(path);
    CHECK_INT(temp_files_left(), 0);
}

/* A temporary file is only ever created, never an existing one opened: Windows'
 * C runtime ignores fopen's "x" and opened it. */
static void test_create_new_refuses_an_existing_file(void)
{
    const char *path = tmp_path("taken.tmp");
    write_test_file(path, "someone's", 9);
    errno = 0;
    FILE *f = os_create_new(path);
    CHECK(f == NULL);
    CHECK_INT(errno, EEXIST);
    if (f)
        fclose(f);
    char *text = read_text_file(path);
    CHECK(text != NULL && strcmp(text, "someone's") == 0);   /* not truncated */
    free(text);
    remove(path);
    f = os_create_new(path);                                  /* nothing there: created */
    CHECK(f != NULL);
    if (f)
        fclose(f);
    remove(path);
}

static void test_writes_a_new_file(void)
{
    const char *path = tmp_path("new.txt");
    char err[FILE_ERROR_SIZE] = "";
    out_file o;
    remove(path);
    CHECK_INT(out_file_open(&o, path, err, sizeof err), 0);
    CHECK_INT(out_file_printf(&o, "%d %s\n", 42, "lines"), 0);
    CHECK_INT(out_file_write(&o, "end\n", 4), 0);
    CHECK(read_text_file(path) == NULL);                 /* nothing at the target before the commit */
    CHECK_INT(out_file_commit(&o, err, sizeof err), 0);
    char *text = read_text_file(path);
    CHECK(text != NULL && strcmp(text, "42 lines\nend\n") == 0);
    free(text);
    CHECK_INT(temp_files_left(), 0);
    remove(path);
}

static void test_replaces_an_old_file_only_when_whole(void)
{
    const char *path = tmp_path("old.txt");
    char err[FILE_ERROR_SIZE] = "";
    write_test_file(path, "old\n", 4);
    out_file o;
    CHECK_INT(out_file_open(&o, path, err, sizeof err), 0);
    out_file_printf(&o, "new\n");
    char *text = read_text_file(path);                 /* still the old one while writing */
    CHECK(text != NULL && strcmp(text, "old\n") == 0);
    free(text);
    out_file_abandon(&o);                              /* given up: the old file stays */
    text = read_text_file(path);
    CHECK(text != NULL && strcmp(text, "old\n") == 0);
    free(text);
    CHECK_INT(temp_files_left(), 0);
    CHECK_INT(out_file_open(&o, path, err, sizeof err), 0);
    out_file_printf(&o, "new\n");
    CHECK_INT(out_file_commit(&o, err, sizeof err), 0);
    text = read_text_file(path);
    CHECK(text != NULL && strcmp(text, "new\n") == 0);
    free(text);
    remove(path);
}

/* A device is written in place and never replaced or removed, even when
 * every write fails; the error keeps the system's reason. */
static void test_full_device_is_reported_and_kept(void)
{
    const char *full = make_full_device(dir);
    if (!full)
        return;
    char err[FILE_ERROR_SIZE] = "";
    static char block[100000];
    out_file o;
    CHECK_INT(out_file_open(&o, full, err, sizeof err), 0);
    out_file_write(&o, block, sizeof block);
    CHECK_INT(out_file_commit(&o, err, sizeof err), -1);
    CHECK_CONTAINS(err, full);
    CHECK_CONTAINS(err, "No space left on device");
    printf("  reported: %s\n", err);
    CHECK(is_char_device(full));
    CHECK_INT(temp_files_left(), 0);
    /* pgm_write used to remove the target when a write failed: here the device */
    unsigned char px[4] = { 0, 1, 2, 3 };
    CHECK_INT(pgm_write(full, px, 2, 2, err, sizeof err), -1);
    CHECK_CONTAINS(err, "No space left on device");
    CHECK(is_char_device(full));
}

static void test_check_creates_nothing(void)
{
    char err[FILE_ERROR_SIZE] = "";
    const char *missing = tmp_path("no-such-dir/x.model");
    CHECK_INT(out_file_check(missing, err, sizeof err), -1);
    CHECK_CONTAINS(err, missing);
    CHECK_CONTAINS(err, "does not exist");
    CHECK_INT(out_file_check(dir, err, sizeof err), -1);
    CHECK_CONTAINS(err, "is a directory");
    const char *fresh = tmp_path("fresh.model");
    remove(fresh);
    CHECK_INT(out_file_check(fresh, err, sizeof err), 0);
    CHECK(read_text_file(fresh) == NULL);
    CHECK_INT(temp_files_left(), 0);
    out_file o;
    CHECK_INT(out_file_open(&o, missing, err, sizeof err), -1);
    CHECK_CONTAINS(err, missing);
    CHECK_CONTAINS(err, tmp_path("no-such-dir does not exist"));   /* names the directory, */
    CHECK(strstr(err, ".tmp-") == NULL);                           /* not the temporary file */
    CHECK(strchr(err, '\n') == NULL);
    const char *under_a_file = tmp_path("fresh.model/x.model");    /* a file where a directory should be */
    write_test_file(fresh, "x", 1);
    CHECK_INT(out_file_open(&o, under_a_file, err, sizeof err), -1);
    CHECK_CONTAINS(err, "is not a directory");
    remove(fresh);
}

/* Every kind of program exits non-zero when its standard output is a full disk. */
static void test_standard_output_full(void)
{
    const char *full = make_full_device(dir);
    if (!full)
        return;
    static const char *programs[] = { "lessons/01_convolution", "lessons/08_softmax", "lessons/10_mnist --help",
                                      "predict --help" };
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "%s/%s > '%s'", build_dir(), programs[i], full);
        program_result r = run_program(cmd);
        if (r.exit_code != 1)
            printf("  %s: exit %d, stderr: %s\n", programs[i], r.exit_code, r.err);
        CHECK_INT(r.exit_code, 1);
        CHECK_CONTAINS(r.err, "standard output");
        CHECK_CONTAINS(r.err, "No space left on device");
        program_result_free(&r);
    }
    CHECK(is_char_device(full));
}

int main(void)
{
    dir = make_tmp_dir("unit_out_file");
    RUN_TEST(test_writes_a_new_file);
    RUN_TEST(test_replaces_an_old_file_only_when_whole);
    RUN_TEST(test_full_device_is_reported_and_kept);
    RUN_TEST(test_check_creates_nothing);
    RUN_TEST(test_standard_output_full);
    RUN_TEST(test_stale_temp_files_are_removed);
    RUN_TEST(test_create_new_refuses_an_existing_file);
    remove(tmp_path("full"));
    return harness_finish();
}
