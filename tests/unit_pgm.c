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
    check_rejected(path, 2, 2, "bad maxval 0: it must be 1..65535");
    path = write_text("maxval.pgm", "P2 2 2 70000 0 0 0 0\n");
    check_rejected(path, 2, 2, "bad maxval 70000");
    remove(path);
}

/* 16-bit samples (maxval > 255): two bytes each in P5, most significant
 * first, scaled to 0..1 (they used to be refused). */
static void test_16_bit(void)
{
    const char raw[] = "P5 3 1 65535\n\x00\x00\x80\x00\xff\xff";
    const char *path = write_file("16bit.pgm", raw, sizeof raw - 1);
    pgm_image img;
    char err[256] = "";
    CHECK_INT(pgm_load(path, &img, err, sizeof err), 0);
    CHECK(img.rows == 1 && img.cols == 3 && img.maxval == 65535);
    if (img.pixels) {
        CHECK_NEAR(img.pixels[0], 0, 0);
        CHECK_NEAR(img.pixels[1], 32768.0 / 65535, 1e-7);
        CHECK_NEAR(img.pixels[2], 1, 0);
    }
    pgm_image_free(&img);
    path = write_text("16bit.pgm", "P2 2 1 1000 0 750\n");
    unsigned char px[2];
    CHECK_INT(pgm_read(path, px, 1, 2, err, sizeof err), 0);
    CHECK(px[0] == 0 && px[1] == 191);                /* 750 / 1000 * 255 = 191.25 */
    path = write_p5("16bit.pgm", "P5 2 1 256\n", 3);
    check_rejected(path, 1, 2, "truncated data: 3 of 4 pixel bytes");
    remove(path);
}

/* Comments where netpbm allows them: after the maxval, straight after a
 * number, and between the numbers of a P2 raster (they were "found '#'"). */
static void test_comments_as_netpbm_reads_them(void)
{
    const char *path = write_text("comments3.pgm",
                                  "P2\n3 2\n255 # maxval\n# row 0\n0 128# half\n255\n# row 1\n1 2 3\n");
    unsigned char px[6];
    const unsigned char want[6] = { 0, 128, 255, 1, 2, 3 };
    char err[256] = "";
    CHECK_INT(pgm_read(path, px, 2, 3, err, sizeof err), 0);
    if (err[0])
        printf("  %s\n", err);
    CHECK(memcmp(px, want, 6) == 0);
    const char raw[] = "P5 2 1 255# the pixels follow the end of this line\n\x05\x06";
    path = write_file("comments3.pgm", raw, sizeof raw - 1);
    CHECK_INT(pgm_read(path, px, 1, 2, err, sizeof err), 0);
    CHECK(px[0] == 5 && px[1] == 6);
    remove(path);
}

/* A P5 header with CR LF line ends: the LF would become pixel 0 and the
 * image shift by one. Refused, and the message says why. */
static void test_p5_header_with_crlf(void)
{
    const char raw[] = "P5\r\n2 2\r\n255\r\n\x01\x02\x03\x04";
    const char *path = write_file("crlf.pgm", raw, sizeof raw - 1);
    check_rejected(path, 2, 2, "CR LF");
    remove(path);
}

/* A P2 value too large to hold is reported by its text (it said "pixel 1000001"). */
static void test_huge_value_reported_by_its_text(void)
{
    const char *path = write_text("huge.pgm", "P2 2 1 255 7 1000000000000000000000000000000\n");
    check_rejected(path, 1, 2, "pixel 1000000000000000000000000000000 at row 0, column 1 is above maxval 255");
    remove(path);
}

static void test_any_size(void)
{
    const char *path = write_text("any.pgm", "P2 4 3 3\n0 1 2 3\n3 2 1 0\n0 0 0 3\n");
    pgm_image img;
    char err[256] = "";
    CHECK_INT(pgm_load(path, &img, err, sizeof err), 0);
    CHECK(img.rows == 3 && img.cols == 4);
    if (img.pixels)
        CHECK_NEAR(img.pixels[5], 2.0 / 3, 1e-7);
    pgm_image_free(&img);
    path = write_text("any.pgm", "P5 20000 1 255\n");
    check_rejected(path, 1, 20000, "larger than this program reads");
    remove(path);
}

/* ---------------------------------------------------------------- netpbm */

/* netpbm's own reading of a file, as the plain P2 that pamtopnm -plain
 * writes (comments gone, the same maxval), read back with pgm_load. */
static int netpbm_reading(const char *path, pgm_image *img)
{
    char cmd[2048], err[512];
    const char *plain = tmp_path("netpbm-plain.pgm");
    memset(img, 0, sizeof *img);
    snprintf(cmd, sizeof cmd, "pamtopnm -plain '%s' > '%s' 2> /dev/null", path, plain);
    if (!shell_ok(cmd))
        return -1;
    return pgm_load(plain, img, err, sizeof err);
}

/* Every file of a set, read by us and by netpbm: the same size, maxval and
 * pixels, or refused by both. Skipped (with a note) without netpbm. */
static void test_same_as_netpbm(void)
{
    if (!shell_ok("command -v pamtopnm")) {
        printf("  skipped: netpbm is not installed (apt-get install netpbm)\n");
        return;
    }
#define PGM_FILE(name, bytes) { name, bytes, sizeof bytes - 1 }   /* NUL bytes included */
    static const struct {
        const char *name, *bytes;
        size_t size;
    } files[] = {
        PGM_FILE("plain.pgm", "P2\n3 2\n255\n0 128 255\n1 2 3\n"),
        PGM_FILE("header-comments.pgm", "P2\n# made by hand\n3 # width\n2 # height\n# the maxval\n255\n0 128 255 1 2 3\n"),
        PGM_FILE("after-maxval.pgm", "P2 3 2 255 # maxval\n0 128 255 1 2 3\n"),
        PGM_FILE("raster-comments.pgm", "P2\n3 2\n255\n# row 0\n0 128 255\n# row 1\n1 2# two\n3\n"),
        PGM_FILE("crlf-p2.pgm", "P2\r\n3 2\r\n255\r\n0 128 255\r\n1 2 3\r\n"),
        PGM_FILE("maxval15.pgm", "P2 2 2 15 0 7 8 15\n"),
        PGM_FILE("maxval1000.pgm", "P2 2 2 1000 0 1 999 1000\n"),
        PGM_FILE("p5.pgm", "P5\n2 2\n255\n\x01\x02\xfe\xff"),
        PGM_FILE("p5-comment.pgm", "P5 2 2 255# pixels next\n\x01\x02\xfe\xff"),
        PGM_FILE("p5-16bit.pgm", "P5 2 2 65535\n\x00\x01\x01\x00\x80\x00\xff\xff"),
        PGM_FILE("p5-maxval1000.pgm", "P5 2 1 1000\n\x03\xe7\x00\x07"),
        PGM_FILE("above-maxval.pgm", "P2 2 1 7 8 3\n"),
        PGM_FILE("truncated.pgm", "P2 2 2 255 1 2 3\n"),
        PGM_FILE("truncated-p5.pgm", "P5 2 2 255\n\x01\x02\x03"),
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const char *path = write_file(files[i].name, files[i].bytes, files[i].size);
        pgm_image ours, theirs;
        char err[512] = "";
        int ours_ok = pgm_load(path, &ours, err, sizeof err) == 0;
        int theirs_ok = netpbm_reading(path, &theirs) == 0;
        int same = ours_ok == theirs_ok;
        if (ours_ok && theirs_ok) {
            same = ours.rows == theirs.rows && ours.cols == theirs.cols && ours.maxval == theirs.maxval
                && memcmp(ours.pixels, theirs.pixels, sizeof(float) * (size_t)ours.rows * ours.cols) == 0;
        }
        printf("  %-20s ours: %s, netpbm: %s%s\n", files[i].name, ours_ok ? "read" : "refused",
               theirs_ok ? "read" : "refused", same ? "" : "   <- DIFFERENT");
        CHECK(same);
        if (ours_ok)
            pgm_image_free(&ours);
        if (theirs_ok)
            pgm_image_free(&theirs);
        remove(path);
    }
}

/* The one deliberate difference: netpbm reads a P5 header ending in CR LF
 * with the LF as pixel 0 (the image shifted by one, then complains about
 * the byte left over); we refuse it. */
static void test_netpbm_shifts_a_crlf_p5(void)
{
    if (!shell_ok("command -v pamtopnm")) {
        printf("  skipped: netpbm is not installed (apt-get install netpbm)\n");
        return;
    }
    const char raw[] = "P5\r\n2 2\r\n255\r\n\x01\x02\x03\x04";
    const char *path = write_file("crlf5.pgm", raw, sizeof raw - 1);
    char cmd[2048], err[512];
    const char *plain = tmp_path("netpbm-plain.pgm");
    snprintf(cmd, sizeof cmd, "pamtopnm -plain '%s' > '%s' 2> /dev/null", path, plain);
    program_result r = run_program(cmd);   /* it writes the image, then fails on the byte left over */
    program_result_free(&r);
    pgm_image theirs;
    CHECK_INT(pgm_load(plain, &theirs, err, sizeof err), 0);
    if (theirs.pixels)
        CHECK_NEAR(theirs.pixels[0] * 255, 10, 1e-4);   /* the LF, and 1 2 3 after it */
    pgm_image_free(&theirs);
    check_rejected(path, 2, 2, "CR LF");
    remove(path);
}

/* ImageMagick's route from the notes (convert x.png x.pgm): a 16-bit image
 * is written with maxval 65535; we read it as netpbm does. */
static void test_imagemagick_16_bit(void)
{
    if (!shell_ok("command -v convert && command -v pamtopnm")) {
        printf("  skipped: ImageMagick or netpbm is not installed (apt-get install imagemagick netpbm)\n");
        return;
    }
    char cmd[1024];
    const char *path = tmp_path("im16.pgm");
    snprintf(cmd, sizeof cmd, "convert -size 5x4 gradient:white-black -depth 16 '%s'", path);
    CHECK(shell_ok(cmd));
    pgm_image ours, theirs;
    char err[512] = "";
    CHECK_INT(pgm_load(path, &ours, err, sizeof err), 0);
    CHECK_INT(netpbm_reading(path, &theirs), 0);
    CHECK_INT(ours.maxval, 65535);
    CHECK(ours.pixels && theirs.pixels && ours.rows == 4 && theirs.rows == 4
          && memcmp(ours.pixels, theirs.pixels, sizeof(float) * 20) == 0);
    if (ours.pixels)
        CHECK(ours.pixels[0] > 0.99f && ours.pixels[19] < 0.01f);
    pgm_image_free(&ours);
    pgm_image_free(&theirs);
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
    CHECK_CONTAINS(err, "does not exist");                 /* the directory, named (src/out_file.c) */
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
    RUN_TEST(test_16_bit);
    RUN_TEST(test_comments_as_netpbm_reads_them);
    RUN_TEST(test_p5_header_with_crlf);
    RUN_TEST(test_huge_value_reported_by_its_text);
    RUN_TEST(test_any_size);
    RUN_TEST(test_same_as_netpbm);
    RUN_TEST(test_netpbm_shifts_a_crlf_p5);
    RUN_TEST(test_imagemagick_16_bit);
    RUN_TEST(test_truncated_data);
    RUN_TEST(test_bad_pixels);
    RUN_TEST(test_write_failures);
    remove(tmp_dir);
    return harness_finish();
}
