/* pgm.c: see pgm.h. */
#include "pgm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Numbers larger than this are reported by their text instead of overflowing. */
#define PGM_NUMBER_LIMIT 1000000L

/* One number as read: its value (PGM_NUMBER_LIMIT + 1 when larger) and,
 * for messages, its text (the first 40 digits, then "..."). */
typedef struct {
    long value;
    char text[48];
} pgm_number;

/* Skip whitespace and '#' comments (to the end of the line), as netpbm does
 * everywhere in a header and in a P2 raster. Returns the next character. */
static int skip_space_and_comments(FILE *f)
{
    int c = getc(f);
    for (;;) {
        while (c != EOF && is_space(c))
            c = getc(f);
        if (c != '#')
            return c;
        while (c != EOF && c != '\n' && c != '\r')
            c = getc(f);
    }
}

/* Read one unsigned decimal number after whitespace and comments. Returns 1
 * with *n set, 0 at the end of the file, -1 when the next thing is not a
 * number (*bad holds the character). The character that ended the number
 * is consumed and returned in *after when it is whitespace or '#' (a comment
 * may follow a number directly; it is then skipped to the end of its line,
 * as netpbm does), pushed back otherwise. */
static int read_number(FILE *f, pgm_number *n, int *bad, int *after)
{
    int c = skip_space_and_comments(f);
    if (c == EOF)
        return 0;
    if (!is_digit(c)) {
        *bad = c;
        return -1;
    }
    size_t len = 0;
    n->value = 0;
    for (; c != EOF && is_digit(c); c = getc(f)) {
        if (n->value <= PGM_NUMBER_LIMIT)
            n->value = n->value * 10 + (c - '0');
        if (len < 40)
            n->text[len++] = (char)c;
        else if (len == 40)
            memcpy(n->text + len, "...", 3), len += 3;
    }
    n->text[len] = '\0';
    if (n->value > PGM_NUMBER_LIMIT)
        n->value = PGM_NUMBER_LIMIT + 1;
    *after = c;
    if (c == '#') {                       /* "255# comment": the comment is the separator */
        while (c != EOF && c != '\n' && c != '\r')
            c = getc(f);
        *after = c == EOF ? '\n' : c;
    } else if (c != EOF && !is_space(c)) {
        ungetc(c, f);
    }
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

/* What the header says. */
typedef struct {
    int binary;                 /* P5 (bytes) rather than P2 (text) */
    long width, height, maxval;
    int after_maxval;           /* the separator that ended the maxval */
} pgm_header;

/* Read the header fields width, height, maxval after the magic. */
static int read_fields(FILE *f, const char *path, pgm_header *h, char *err, size_t err_size)
{
    static const char *const names[3] = { "width", "height", "maxval" };
    long *field[3] = { &h->width, &h->height, &h->maxval };
    for (int i = 0; i < 3; i++) {
        pgm_number n;
        int bad = 0, after = EOF;
        errno = 0;
        int r = read_number(f, &n, &bad, &after);
        if (r == 1 && i == 2 && after != EOF && !is_space(after)) {
            char what[32];
            describe_char(after, what, sizeof what);
            set_file_error(err, err_size, path, "bad header: maxval must be followed by one whitespace character, found %s", what);
            return -1;
        }
        if (r == 1) {
            *field[i] = n.value;
            h->after_maxval = after;
            continue;
        }
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

/* The magic "P2" (numbers as text) or "P5" (bytes), then whitespace or a comment. */
static int read_magic(FILE *f, const char *path, pgm_header *h, char *err, size_t err_size)
{
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
        return -1;
    }
    if (magic[0] != 'P' || (magic[1] != '2' && magic[1] != '5')) {
        char a[32], b[32];
        describe_char(magic[0], a, sizeof a);
        describe_char(magic[1], b, sizeof b);
        set_file_error(err, err_size, path, "bad magic %s %s, expected P2 or P5 (a PGM greyscale image)%s", a, b,
                  magic[0] == 'P' && (magic[1] == '3' || magic[1] == '6')
                      ? ": this is a colour PPM, convert it to greyscale" : "");
        return -1;
    }
    h->binary = magic[1] == '5';
    int next = getc(f);
    if (next != EOF && !is_space(next) && next != '#') {
        char what[32];
        describe_char(next, what, sizeof what);
        set_file_error(err, err_size, path, "bad header: P%c must be followed by whitespace, found %s", magic[1], what);
        return -1;
    }
    if (next != EOF)
        ungetc(next, f);
    return 0;
}

/* "(huge)" for a number read as PGM_NUMBER_LIMIT + 1. */
static void number_text(long v, char *buf, size_t size)
{
    snprintf(buf, size, v > PGM_NUMBER_LIMIT ? "(huge)" : "%ld", v);
}

static int check_header(const char *path, const pgm_header *h, char *err, size_t err_size)
{
    char w[16], hh[16], m[16];
    number_text(h->width, w, sizeof w);
    number_text(h->height, hh, sizeof hh);
    number_text(h->maxval, m, sizeof m);
    if (h->width == 0 || h->height == 0) {
        set_file_error(err, err_size, path, "bad header: size %sx%s (width x height) is empty", w, hh);
        return -1;
    }
    if (h->width > PGM_MAX_SIDE || h->height > PGM_MAX_SIDE || h->width * h->height > PGM_MAX_PIXELS) {
        set_file_error(err, err_size, path, "the image is %sx%s (width x height): larger than this program reads "
                       "(%d pixels a side, %ld pixels in all)", w, hh, PGM_MAX_SIDE, (long)PGM_MAX_PIXELS);
        return -1;
    }
    if (h->maxval < 1 || h->maxval > 65535) {
        set_file_error(err, err_size, path, "bad maxval %s: it must be 1..65535", m);
        return -1;
    }
    return 0;
}

/* P5: width*height samples of 1 byte (maxval <= 255) or 2 bytes, most
 * significant first (16-bit). Exactly one whitespace byte separated the
 * maxval from them: a header ending in CR LF leaves the LF as the first
 * pixel (netpbm reads it so, and the image shifts by one), refused here. */
static int read_p5_pixels(FILE *f, const char *path, const pgm_header *h, float *pixels, char *err, size_t err_size)
{
    size_t n = (size_t)h->width * (size_t)h->height, bytes = h->maxval > 255 ? 2 : 1, need = n * bytes;
    unsigned char *raw = malloc(need + 1);
    if (raw == NULL) {
        set_file_error(err, err_size, path, "out of memory reading its %zu pixel bytes", need);
        return -1;
    }
    errno = 0;
    size_t got = fread(raw, 1, need + 1, f);
    int rc = -1;
    if (h->after_maxval == '\r' && got == need + 1 && raw[0] == '\n' && getc(f) == EOF) {
        set_file_error(err, err_size, path, "the header ends in CR LF (Windows line ends), but a P5 header ends in "
                       "ONE byte: the LF would be read as the first pixel and the image shifted by one (netpbm "
                       "reads it so); write the file with a single LF after the maxval");
    } else if (got < need) {
        const char *why = file_read_failure(f, errno, "is a directory, not a PGM file");
        set_file_error(err, err_size, path, "truncated data: %zu of %zu pixel bytes%s%s", got, need,
                       why ? ": " : "", why ? why : "");
    } else {
        rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            long v = bytes == 1 ? raw[i] : (long)raw[2 * i] << 8 | raw[2 * i + 1];
            if (v > h->maxval) {
                set_file_error(err, err_size, path, "pixel %ld at row %zu, column %zu is above maxval %ld",
                               v, i / (size_t)h->width, i % (size_t)h->width, h->maxval);
                rc = -1;
            }
            pixels[i] = (float)v / (float)h->maxval;
        }
    }
    free(raw);
    return rc;
}

/* P2: width*height decimal numbers, whitespace and comments between them. */
static int read_p2_pixels(FILE *f, const char *path, const pgm_header *h, float *pixels, char *err, size_t err_size)
{
    size_t n = (size_t)h->width * (size_t)h->height, cols = (size_t)h->width;
    for (size_t i = 0; i < n; i++) {
        pgm_number v;
        int bad = 0, after = EOF;
        errno = 0;
        int r = read_number(f, &v, &bad, &after);
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
                           i / cols, i % cols, what);
            return -1;
        }
        if (v.value > h->maxval) {
            set_file_error(err, err_size, path, "pixel %s at row %zu, column %zu is above maxval %ld",
                           v.text, i / cols, i % cols, h->maxval);
            return -1;
        }
        pixels[i] = (float)v.value / (float)h->maxval;
    }
    return 0;
}

/* want_rows, want_cols: the size the caller needs, checked before the
 * pixels are read (0: any size). */
static int read_image(FILE *f, const char *path, pgm_image *img, int want_rows, int want_cols,
                      char *err, size_t err_size)
{
    pgm_header h;
    if (read_magic(f, path, &h, err, err_size) != 0 || read_fields(f, path, &h, err, err_size) != 0
        || check_header(path, &h, err, err_size) != 0)
        return -1;
    if (want_rows > 0 && (h.height != want_rows || h.width != want_cols)) {
        set_file_error(err, err_size, path, "wrong size: the image is %ldx%ld (width x height), expected %dx%d",
                       h.width, h.height, want_cols, want_rows);
        return -1;
    }
    size_t n = (size_t)h.width * (size_t)h.height;
    img->pixels = malloc(n * sizeof(float));
    if (img->pixels == NULL) {
        set_file_error(err, err_size, path, "out of memory for its %ldx%ld pixels", h.width, h.height);
        return -1;
    }
    img->rows = (int)h.height;
    img->cols = (int)h.width;
    img->maxval = (int)h.maxval;
    int r = h.binary ? read_p5_pixels(f, path, &h, img->pixels, err, err_size)
                     : read_p2_pixels(f, path, &h, img->pixels, err, err_size);
    if (r != 0)
        pgm_image_free(img);
    return r;
}

/* pgm_load, optionally of a given size (see read_image). */
static int load(const char *path, pgm_image *img, int want_rows, int want_cols, char *err, size_t err_size)
{
    memset(img, 0, sizeof *img);
    FILE *f = open_regular_file(path, "rb", "a PGM image", err, err_size);
    if (f == NULL)
        return -1;
    int r = read_image(f, path, img, want_rows, want_cols, err, err_size);
    fclose(f);
    return r;
}

int pgm_load(const char *path, pgm_image *img, char *err, size_t err_size)
{
    return load(path, img, 0, 0, err, err_size);
}

void pgm_image_free(pgm_image *img)
{
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

int pgm_read(const char *path, unsigned char *pixels, int want_rows, int want_cols, char *err, size_t err_size)
{
    pgm_image img;
    if (load(path, &img, want_rows, want_cols, err, err_size) != 0)
        return -1;
    for (size_t i = 0; i < (size_t)want_rows * (size_t)want_cols; i++)
        pixels[i] = (unsigned char)(img.pixels[i] * 255.0f + 0.5f);
    pgm_image_free(&img);
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
