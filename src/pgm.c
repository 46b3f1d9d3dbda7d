/* pgm.c: see pgm.h. */
#include "pgm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "file_error.h"
#include "out_file.h"

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Numbers larger than this are reported as "too large" instead of overflowing. */
#define PGM_NUMBER_LIMIT 1000000L

/* Skip whitespace (and, in the header, '#' comments up to the end of the
 * line), then read one unsigned decimal number. Returns 1 with *value set,
 * 0 at the end of the file, -1 when the next thing is not a number (*bad
 * holds the character). A number above PGM_NUMBER_LIMIT is clamped to
 * PGM_NUMBER_LIMIT + 1. *after is the character that ended the number
 * (consumed if it is whitespace, pushed back otherwise). */
static int read_number(FILE *f, int allow_comments, long *value, int *bad, int *after)
{
    int c = getc(f);
    for (;;) {
        while (c != EOF && is_space(c))
            c = getc(f);
        if (c == '#' && allow_comments) {
            while (c != EOF && c != '\n' && c != '\r')
                c = getc(f);
            continue;
        }
        break;
    }
    if (c == EOF)
        return 0;
    if (!is_digit(c)) {
        *bad = c;
        return -1;
    }
    long v = 0;
    while (c != EOF && is_digit(c)) {
        if (v <= PGM_NUMBER_LIMIT)
            v = v * 10 + (c - '0');
        c = getc(f);
    }
    if (v > PGM_NUMBER_LIMIT)
        v = PGM_NUMBER_LIMIT + 1;
    *value = v;
    *after = c;
    /* the character after the number: whitespace is the separator (in P5
     * exactly one whitespace byte separates maxval from the data); anything
     * else goes back for the caller to complain about */
    if (c != EOF && !is_space(c))
        ungetc(c, f);
    return 1;
}

/* A printable description of a character for error messages. */
static void describe_char(int c, char *buf, size_t size)
{
    if (c >= 33 && c <= 126)
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02X", (unsigned)(c & 0xFF));
}

/* Read the header fields width, height, maxval after the magic. */
static int read_header(FILE *f, const char *path, long field[3], char *err, size_t err_size)
{
    static const char *const names[3] = { "width", "height", "maxval" };
    for (int i = 0; i < 3; i++) {
        int bad = 0, after = EOF;
        errno = 0;
        int r = read_number(f, 1, &field[i], &bad, &after);
        if (r == 1 && i == 2 && after != EOF && !is_space(after)) {
            char what[32];
            describe_char(after, what, sizeof what);
            set_file_error(err, err_size, path, "bad header: maxval must be followed by one whitespace character, found %s", what);
            return -1;
        }
        if (r == 1)
            continue;
        const char *why = file_read_failure(f, errno, "is a directory, not a PGM file");
        if (why) {
            set_file_error(err, err_size, path, "%s", why);
        } else if (r == 0) {
            set_file_error(err, err_size, path, "bad header: the file ends before the %s", names[i]);
        } else {
            char what[32];
            describe_char(bad, what, sizeof what);
            set_file_error(err, err_size, path, "bad header: expected the %s (a number), found %s", names[i], what);
        }
        return -1;
    }
    return 0;
}

static int read_p5_pixels(FILE *f, const char *path, unsigned char *pixels, size_t n, char *err, size_t err_size)
{
    errno = 0;
    size_t got = fread(pixels, 1, n, f);
    if (got != n) {
        const char *why = file_read_failure(f, errno, "is a directory, not a PGM file");
        set_file_error(err, err_size, path, "truncated data: %zu of %zu pixel bytes%s%s", got, n,
                  why ? ": " : "", why ? why : "");
        return -1;
    }
    return 0;
}

static int read_p2_pixels(FILE *f, const char *path, unsigned char *pixels, int rows, int cols, long maxval,
                          char *err, size_t err_size)
{
    size_t n = (size_t)rows * (size_t)cols;
    for (size_t i = 0; i < n; i++) {
        long v = 0;
        int bad = 0, after = EOF;
        errno = 0;
        int r = read_number(f, 0, &v, &bad, &after);
        if (r == 0) {
            const char *why = file_read_failure(f, errno, "is a directory, not a PGM file");
            set_file_error(err, err_size, path, "truncated data: %zu of %zu pixel values%s%s", i, n,
                      why ? ": " : "", why ? why : "");
            return -1;
        }
        if (r < 0) {
            char what[32];
            describe_char(bad, what, sizeof what);
            set_file_error(err, err_size, path, "bad pixel value at row %zu, column %zu: found %s, expected a number",
                      i / (size_t)cols, i % (size_t)cols, what);
            return -1;
        }
        if (v > maxval) {
            set_file_error(err, err_size, path, "pixel %ld at row %zu, column %zu is above maxval %ld",
                      v, i / (size_t)cols, i % (size_t)cols, maxval);
            return -1;
        }
        pixels[i] = (unsigned char)v;
    }
    return 0;
}

int pgm_read(const char *path, unsigned char *pixels, int want_rows, int want_cols, char *err, size_t err_size)
{
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        set_file_error(err, err_size, path, "cannot open: %s", errno ? strerror(errno) : "fopen failed");
        return -1;
    }

    /* the magic: "P2" (numbers as text) or "P5" (bytes) */
    unsigned char magic[2];
    errno = 0;
    size_t got = fread(magic, 1, 2, f);
    if (got < 2) {
        const char *why = file_read_failure(f, errno, "is a directory, not a PGM file");
        if (why)
            set_file_error(err, err_size, path, "%s", why);
        else
            set_file_error(err, err_size, path, got == 0 ? "empty file (0 bytes), expected a PGM image"
                                                    : "bad magic: the file is 1 byte long, expected P2 or P5");
        fclose(f);
        return -1;
    }
    if (magic[0] != 'P' || (magic[1] != '2' && magic[1] != '5')) {
        char a[32], b[32];
        describe_char(magic[0], a, sizeof a);
        describe_char(magic[1], b, sizeof b);
        set_file_error(err, err_size, path, "bad magic %s %s, expected P2 or P5 (a PGM greyscale image)%s", a, b,
                  magic[0] == 'P' && (magic[1] == '3' || magic[1] == '6')
                      ? ": this is a colour PPM, convert it to greyscale" : "");
        fclose(f);
        return -1;
    }
    int binary = magic[1] == '5';
    int next = getc(f);
    if (next != EOF && !is_space(next) && next != '#') {
        char what[32];
        describe_char(next, what, sizeof what);
        set_file_error(err, err_size, path, "bad header: P%c must be followed by whitespace, found %s", magic[1], what);
        fclose(f);
        return -1;
    }
    if (next != EOF)
        ungetc(next, f);

    long field[3];   /* width, height, maxval */
    if (read_header(f, path, field, err, err_size) != 0) {
        fclose(f);
        return -1;
    }
    long width = field[0], height = field[1], maxval = field[2];
    if (width == 0 || height == 0) {
        set_file_error(err, err_size, path, "bad header: size %ldx%ld (width x height) is empty", width, height);
        fclose(f);
        return -1;
    }
    if (width != want_cols || height != want_rows) {
        char w[16], h[16];
        snprintf(w, sizeof w, width > PGM_NUMBER_LIMIT ? "(huge)" : "%ld", width);
        snprintf(h, sizeof h, height > PGM_NUMBER_LIMIT ? "(huge)" : "%ld", height);
        set_file_error(err, err_size, path, "wrong size: the image is %sx%s (width x height), expected %dx%d",
                  w, h, want_cols, want_rows);
        fclose(f);
        return -1;
    }
    if (maxval < 1 || maxval > 65535) {
        char m[16];
        snprintf(m, sizeof m, maxval > PGM_NUMBER_LIMIT ? "(huge)" : "%ld", maxval);
        set_file_error(err, err_size, path, "bad maxval %s: it must be 1..255", m);
        fclose(f);
        return -1;
    }
    if (maxval > 255) {
        set_file_error(err, err_size, path,
                  "bad maxval %ld: values above 255 mean 16-bit pixels, which are not supported (save it with maxval 255, 8 bits)",
                  maxval);
        fclose(f);
        return -1;
    }

    size_t n = (size_t)want_rows * (size_t)want_cols;
    int r = binary ? read_p5_pixels(f, path, pixels, n, err, err_size)
                   : read_p2_pixels(f, path, pixels, want_rows, want_cols, maxval, err, err_size);
    fclose(f);
    if (r != 0)
        return -1;

    if (maxval != 255) {
        for (size_t i = 0; i < n; i++) {
            long v = pixels[i];
            if (v > maxval) {   /* P5 bytes are not checked while reading */
                set_file_error(err, err_size, path, "pixel %ld at row %zu, column %zu is above maxval %ld",
                          v, i / (size_t)want_cols, i % (size_t)want_cols, maxval);
                return -1;
            }
            pixels[i] = (unsigned char)((v * 255 + maxval / 2) / maxval);
        }
    }
    return 0;
}

int pgm_write(const char *path, const unsigned char *pixels, int rows, int cols, char *err, size_t err_size)
{
    if (rows <= 0 || cols <= 0) {
        set_file_error(err, err_size, path, "cannot write an image of %dx%d (width x height)", cols, rows);
        return -1;
    }
    out_file o;                    /* never destroys what was at path: see out_file.h */
    if (out_file_open(&o, path, err, err_size) != 0)
        return -1;
    out_file_printf(&o, "P5\n%d %d\n255\n", cols, rows);
    out_file_write(&o, pixels, (size_t)rows * (size_t)cols);
    return out_file_commit(&o, err, err_size);
}
