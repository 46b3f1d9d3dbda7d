/* tests/unit_pgm.c: reading and writing PGM images (src/pgm.h): a P5 round
 * trip, P2 with comments, maxval scaling, and every kind of bad file, each
 * rejected with one line naming the file and the problem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pgm.h"

static const char *tmp_dir;   /* $BUILD_DIR/tmp/unit_pgm, from make_tmp_dir */

static const char *write_file(const char *name, const void *bytes, size_t n)
{
    const char *path = tmp_path(name);
    write_test_file(path, bytes, n);
    return path;
}

static const char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

/* pgm_read of a want_rows x want_cols image fails with one line naming the
 * file and containing word. */
static void check_rejected(const char *path, int want_rows, int want_cols, const char *word)
{
    unsigned char px[64];
    char err[512] = "";
    CHECK_INT(pgm_read(path, px, want_rows, want_cols, err, sizeof err), -1);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, word);
    CHECK(strchr(err, '\n') == NULL);
    printf("  rejected as expected: %s\n", err);
}

/* A P5 header followed by n bytes 0, 1, 2, ... */
static const char *write_p5(const char *name, const char *header, size_t n)
{
    char buf[256];
    size_t h = strlen(header);
    if (h + n > sizeof buf)
        exit(1);
    memcpy(buf, header, h);
    for (size_t i = 0; i < n; i++)
        buf[h + i] = (char)i;
    return write_file(name, buf, h + n);
}

static void test_p5_round_trip(void)
{
    unsigned char px[12], back[12];
    for (int i = 0; i < 12; i++)
        px[i] = (unsigned char)(i * 23);
    px[11] = 255;
    const char *path = tmp_path("round-trip.pgm");
    char err[256] = "";
    CHECK_INT(pgm_write(path, px, 3, 4, err, sizeof err), 0);   /* 3 rows, 4 columns */
    char *text = read_text_file(path);
    CHECK(text != NULL && strncmp(text, "P5\n4 3\n255\n", 11) == 0);
    free(text);
    memset(back, 7, sizeof back);
    CHECK_INT(pgm_read(path, back, 3, 4, err, sizeof err), 0);
    CHECK(memcmp(px, back, 12) == 0);
    remove(path);
}

static void test_p2_with_comments(void)
{
    const char *path = write_text("comments.pgm",
                                  "P2\n# made by hand\n3 # width\n2 # height\n"
                                  "# the maxval comes next\n255\n"
                                  "0 128 255\n"
                                  " 1\t2\n3\n");
    unsigned char px[6];
    char err[256] = "";
    CHECK_INT(pgm_read(path, px, 2, 3, err, sizeof err), 0);
    if (err[0])
        printf("  %s\n", err);
    const unsigned char want[6] = { 0, 128, 255, 1, 2, 3 };
    CHECK(memcmp(px, want, 6) == 0);
    /* a comment straight after the magic, CRLF line ends */
    path = write_text("comments2.pgm", "P2# a comment\r\n3 2\r\n255\r\n0 128 255\r\n1 2 3\r\n");
    memset(px, 9, sizeof px);
    CHECK_INT(pgm_read(path, px, 2, 3, err, sizeof err), 0);
    CHECK(memcmp(px, want, 6) == 0);
    remove(path);
    remove(tmp_path("comments.pgm"));
}

static void test_maxval_is_scaled_to_255(void)
{
    /* P2, maxval 15: 0 -> 0, 7 -> round(7*255/15) = 119, 15 -> 255 */
    const char *path = write_text("maxval15.pgm", "P2 2 2 15 0 7 8 15\n");
    unsigned char px[4];
    char err[256] = "";
    CHECK_INT(pgm_read(path, px, 2, 2, err, sizeof err), 0);
    CHECK_INT(px[0], 0);
    CHECK_INT(px[1], 119);
    CHECK_INT(px[2], 136);
    CHECK_INT(px[3], 255);
    /* P5, maxval 1 (black and white) */
    const char bw[] = "P5 2 2 1\n\x00\x01\x01\x00";
    path = write_file("maxval1.pgm", bw, sizeof bw - 1);
    CHECK_INT(pgm_read(path, px, 2, 2, err, sizeof err), 0);
    CHECK(px[0] == 0 && px[1] == 255 && px[2] == 255 && px[3] == 0);
    remove(path);
    remove(tmp_path("maxval15.pgm"));
}

static void test_missing_directory_empty(void)
{
    check_rejected(tmp_path("no-such.pgm"), 2, 2, "cannot open: No such file");
    check_rejected(tmp_dir, 2, 2, "is a directory");
    const char *path = write_text("empty.pgm", "");
    check_rejected(path, 2, 2, "empty file");
    remove(path);
}

static void test_bad_magic(void)
{
    const char *path = write_text("bad-magic.pgm", "P6\n2 2\n255\n0123456789AB");
    check_rejected(path, 2, 2, "bad magic 'P' '6', expected P2 or P5");
    check_rejected(path, 2, 2, "colour");
    path = write_text("bad-magic.pgm", "GIF89a");
    check_rejected(path, 2, 2, "bad magic 'G' 'I'");
    path = write_text("bad-magic.pgm", "P");
    check_rejected(path, 2, 2, "bad magic");
    path = write_text("bad-magic.pgm", "P55 2 2 255\n1234");
    check_rejected(path, 2, 2, "P5 must be followed by whitespace");
    remove(path);
}

static void test_bad_header(void)
{
    const char *path = write_text("bad-header.pgm", "P2\n2 x 2\n255\n0 0 0 0\n");
    check_rejected(path, 2, 2, "bad header: expected the height (a number), found 'x'");
    path = write_text("bad-header.pgm", "P5\n2 2");
    check_rejected(path, 2, 2, "bad header: the file ends before the maxval");
    path = write_text("bad-header.pgm", "P5\n2 2\n# a comment that never ends");
    check_rejected(path, 2, 2, "bad header");
    path = write_text("bad-header.pgm", "P2\n0 0\n255\n");
    check_rejected(path, 2, 2, "bad header: size 0x0 (width x height) is empty");
    path = write_text("bad-header.pgm", "P5 2 2 255X0123");
    check_rejected(path, 2, 2, "maxval must be followed by one whitespace character, found 'X'");
    remove(path);
}

static void test_wrong_size(void)
{
    const char *path = write_p5("wrong-size.pgm", "P5\n32 30\n255\n", 0);
    check_rejected(path, 28, 28, "wrong size: the image is 32x30 (width x height), expected 28x28");
    path = write_text("wrong-size.pgm", "P2 99999999999999999999 1 255\n");
    check_rejected(path, 28, 28, "is (huge)x1");
    remove(path);
}

static void test_bad_maxval(void)
{
    const char *path = write_p5("maxval.pgm", "P5 2 2 0\n", 4);
    check_rejected(path, 2, 2, "bad maxval 0: it must be 1..255");
    path = write_p5("maxval.pgm", "P5 2 2 65535\n", 8);
    check_rejected(path, 2, 2, "bad maxval 65535: values above 255 mean 16-bit pixels");
    path = write_p5("maxval.pgm", "P5 2 2 256\n", 8);
    check_rejected(path, 2, 2, "16-bit");
    path = write_text("maxval.pgm", "P2 2 2 70000 0 0 0 0\n");
    check_rejected(path, 2, 2, "bad maxval 70000");
    remove(path);
}

static void test_truncated_data(void)
{
    const char *path = write_p5("short.pgm", "P5\n2 2\n255\n", 3);
    check_rejected(path, 2, 2, "truncated data: 3 of 4 pixel bytes");
    path = write_text("short.pgm", "P2\n2 2\n255\n1 2 3\n");
    check_rejected(path, 2, 2, "truncated data: 3 of 4 pixel values");
    path = write_text("short.pgm", "P5\n2 2\n255\n");
    check_rejected(path, 2, 2, "truncated data: 0 of 4");
    remove(path);
}

static void test_bad_pixels(void)
{
    const char *path = write_text("pixels.pgm", "P2\n2 2\n100\n1 2\n101 3\n");
    check_rejected(path, 2, 2, "pixel 101 at row 1, column 0 is above maxval 100");
    path = write_text("pixels.pgm", "P2\n2 2\n255\n1 2\n3 x\n");
    check_rejected(path, 2, 2, "bad pixel value at row 1, column 1: found 'x'");
    path = write_text("pixels.pgm", "P2\n2 2\n255\n1 -2 3 4\n");
    check_rejected(path, 2, 2, "found '-'");
    /* P5 bytes above a maxval below 255 */
    path = write_p5("pixels.pgm", "P5 2 2 2\n", 4);   /* bytes 0 1 2 3 */
    check_rejected(path, 2, 2, "pixel 3 at row 1, column 1 is above maxval 2");
    remove(path);
}

static void test_write_failures(void)
{
    unsigned char px[4] = { 0 };
    char err[512] = "";
    const char *path = tmp_path("no-such-dir/out.pgm");
    CHECK_INT(pgm_write(path, px, 2, 2, err, sizeof err), -1);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, "cannot create");
    printf("  rejected as expected: %s\n", err);
    CHECK_INT(pgm_write(tmp_path("zero.pgm"), px, 0, 2, err, sizeof err), -1);
    CHECK_CONTAINS(err, "cannot write an image of 2x0");
}

int main(void)
{
    tmp_dir = make_tmp_dir("unit_pgm");
    RUN_TEST(test_p5_round_trip);
    RUN_TEST(test_p2_with_comments);
    RUN_TEST(test_maxval_is_scaled_to_255);
    RUN_TEST(test_missing_directory_empty);
    RUN_TEST(test_bad_magic);
    RUN_TEST(test_bad_header);
    RUN_TEST(test_wrong_size);
    RUN_TEST(test_bad_maxval);
    RUN_TEST(test_truncated_data);
    RUN_TEST(test_bad_pixels);
    RUN_TEST(test_write_failures);
    remove(tmp_dir);
    return harness_finish();
}
