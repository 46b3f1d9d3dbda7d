/* picture.c: see picture.h. */
#include "picture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgm.h"
#include "tensor.h"

picture picture_new(int rows, int cols, unsigned char fill)
{
    picture p = { rows > 0 ? rows : 0, cols > 0 ? cols : 0, NULL };
    size_t n = (size_t)p.rows * (size_t)p.cols;
    p.pixels = checked_calloc(n > 0 ? n : 1, 1, "a picture");
    memset(p.pixels, fill, n);
    return p;
}

void picture_free(picture *p)
{
    free(p->pixels);
    p->pixels = NULL;
    p->rows = p->cols = 0;
}

static void put_pixel(picture *p, int y, int x, unsigned char level)
{
    if (y >= 0 && y < p->rows && x >= 0 && x < p->cols)
        p->pixels[(size_t)y * (size_t)p->cols + (size_t)x] = level;
}

static void fill_rect(picture *p, int top, int left, int rows, int cols, unsigned char level)
{
    for (int y = top; y < top + rows; y++)
        for (int x = left; x < left + cols; x++)
            put_pixel(p, y, x, level);
}

/* Copy src into dst with src's top-left corner at (top, left). */
static void paste(picture *dst, const picture *src, int top, int left)
{
    for (int y = 0; y < src->rows; y++)
        for (int x = 0; x < src->cols; x++)
            put_pixel(dst, top + y, left + x, src->pixels[(size_t)y * (size_t)src->cols + (size_t)x]);
}

/* ---------------------------------------------------------------- 1. grey scales */

static double largest_magnitude(const real *v, long n)
{
    double m = 0;
    for (long i = 0; i < n; i++)
        m = fabs((double)v[i]) > m ? fabs((double)v[i]) : m;
    return m;
}

grey_scale grey_scale_of(const real *v, long n)
{
    grey_scale s = { GREY_POSITIVE, largest_magnitude(v, n) };
    for (long i = 0; i < n; i++)
        if (v[i] < 0)
            s.kind = GREY_SIGNED;
    return s;
}

grey_scale grey_scale_signed_of(const real *v, long n)
{
    grey_scale s = { GREY_SIGNED, largest_magnitude(v, n) };
    return s;
}

unsigned char grey_level(const grey_scale *s, double v)
{
    double t = s->max > 0 ? v / s->max : 0;          /* -1 .. 1 */
    t = t < -1 ? -1 : t > 1 ? 1 : t;
    if (s->kind == GREY_SIGNED)
        return (unsigned char)(GREY_ZERO_SIGNED + lround(127 * t));
    return (unsigned char)lround(255 * (t > 0 ? t : 0));
}

/* ---------------------------------------------------------------- 2, 3. maps, upscaled and tiled */

void picture_put_map(picture *p, int top, int left, const real *map, int h, int w, int zoom, const grey_scale *s)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            fill_rect(p, top + y * zoom, left + x * zoom, zoom, zoom, grey_level(s, (double)map[y * w + x]));
}

int tile_columns(int count)
{
    int columns = 1;
    while (columns * columns < count)
        columns++;
    return columns;
}

picture tile_maps(const real *maps, int count, int h, int w, int zoom, int columns, int border,
                  const grey_scale *s)
{
    int grid_rows = (count + columns - 1) / columns;
    int tile_h = zoom * h, tile_w = zoom * w;
    picture p = picture_new(grid_rows * (tile_h + border) + border, columns * (tile_w + border) + border,
                            PICTURE_BORDER);
    for (int k = 0; k < count; k++) {                /* row by row, as text is read */
        int top = border + (k / columns) * (tile_h + border), left = border + (k % columns) * (tile_w + border);
        picture_put_map(&p, top, left, maps + (long)k * h * w, h, w, zoom, s);
    }
    return p;
}

/* ---------------------------------------------------------------- 4. the font */

/* 5 x 7 glyphs, one string per row, '#' for ink. */
typedef struct {
    char ch;
    const char *rows[FONT_H];
} glyph;

static const glyph font[] = {
    { ' ', { ".....", ".....", ".....", ".....", ".....", ".....", "....." } },
    { '0', { ".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###." } },
    { '1', { "..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###." } },
    { '2', { ".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####" } },
    { '3', { "#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###." } },
    { '4', { "...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#." } },
    { '5', { "#####", "#....", "####.", "....#", "....#", "#...#", ".###." } },
    { '6', { "..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###." } },
    { '7', { "#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..." } },
    { '8', { ".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###." } },
    { '9', { ".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.." } },
    { 'A', { ".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#" } },
    { 'B', { "####.", "#...#", "#...#", "####.", "#...#", "#...#", "####." } },
    { 'C', { ".###.", "#...#", "#....", "#....", "#....", "#...#", ".###." } },
    { 'D', { "###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.." } },
    { 'E', { "#####", "#....", "#....", "####.", "#....", "#....", "#####" } },
    { 'F', { "#####", "#....", "#....", "####.", "#....", "#....", "#...." } },
    { 'G', { ".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####" } },
    { 'H', { "#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#" } },
    { 'I', { ".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###." } },
    { 'J', { "..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.." } },
    { 'K', { "#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#" } },
    { 'L', { "#....", "#....", "#....", "#....", "#....", "#....", "#####" } },
    { 'M', { "#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#" } },
    { 'N', { "#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#" } },
    { 'O', { ".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###." } },
    { 'P', { "####.", "#...#", "#...#", "####.", "#....", "#....", "#...." } },
    { 'Q', { ".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#" } },
    { 'R', { "####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#" } },
    { 'S', { ".####", "#....", "#....", ".###.", "....#", "....#", "####." } },
    { 'T', { "#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.." } },
    { 'U', { "#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###." } },
    { 'V', { "#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.." } },
    { 'W', { "#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#." } },
    { 'X', { "#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#" } },
    { 'Y', { "#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.." } },
    { 'Z', { "#####", "....#", "...#.", "..#..", ".#...", "#....", "#####" } },
    { 'x', { ".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#" } },
    { '.', { ".....", ".....", ".....", ".....", ".....", ".##..", ".##.." } },
    { ',', { ".....", ".....", ".....", ".....", ".##..", "..#..", ".#..." } },
    { ':', { ".....", ".##..", ".##..", ".....", ".##..", ".##..", "....." } },
    { ';', { ".....", ".##..", ".##..", ".....", ".##..", "..#..", ".#..." } },
    { '-', { ".....", ".....", ".....", "#####", ".....", ".....", "....." } },
    { '+', { ".....", "..#..", "..#..", "#####", "..#..", "..#..", "....." } },
    { '/', { ".....", "....#", "...#.", "..#..", ".#...", "#....", "....." } },
    { '(', { "...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#." } },
    { ')', { ".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..." } },
    { '%', { "##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##" } },
    { '=', { ".....", ".....", "#####", ".....", "#####", ".....", "....." } },
    { '#', { ".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#." } },
    { '<', { "...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#." } },
    { '>', { ".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#..." } },
    { '_', { ".....", ".....", ".....", ".....", ".....", ".....", "#####" } },
    { '?', { ".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.." } },
    { '!', { "..#..", "..#..", "..#..", "..#..", "..#..", ".....", "..#.." } },
    { '\'', { "..#..", "..#..", ".#...", ".....", ".....", ".....", "....." } },
    { '*', { ".....", "..#..", "#.#.#", ".###.", "#.#.#", "..#..", "....." } },
    { '|', { "..#..", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.." } },
};

static const glyph *glyph_of(char ch)
{
    if (ch >= 'a' && ch <= 'z' && ch != 'x')
        ch = (char)(ch - 'a' + 'A');
    for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
        if (font[i].ch == ch)
            return &font[i];
    return glyph_of('?');
}

int font_pixel(char ch, int row, int col)
{
    if (row < 0 || row >= FONT_H || col < 0 || col >= FONT_W)
        return 0;
    return glyph_of(ch)->rows[row][col] == '#';
}

int text_width(const char *text, int scale)
{
    size_t n = strlen(text);
    return n == 0 ? 0 : (int)(n * (FONT_W + 1) - 1) * scale;
}

int text_height(int scale)
{
    return FONT_H * scale;
}

/* 1 when the character is a digit. */
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

void picture_text(picture *p, int top, int left, const char *text, int scale, unsigned char ink)
{
    for (int i = 0; text[i]; i++) {
        int times = text[i] == 'x' && i > 0 && is_digit(text[i - 1]) && is_digit(text[i + 1]);   /* 28x28 */
        const glyph *g = glyph_of(text[i] == 'x' && !times ? 'X' : text[i]);
        int x0 = left + i * (FONT_W + 1) * scale;
        for (int row = 0; row < FONT_H; row++)
            for (int col = 0; col < FONT_W; col++)
                if (g->rows[row][col] == '#')
                    fill_rect(p, top + row * scale, x0 + col * scale, scale, scale, ink);
    }
}

/* ---------------------------------------------------------------- 4. panels */

picture picture_titled(const char *title, int scale, const picture *body)
{
    int title_h = text_height(scale) + 2 * scale;          /* the text and a little space under it */
    int width = text_width(title, scale) > body->cols ? text_width(title, scale) : body->cols;
    picture p = picture_new(title_h + body->rows, width, PICTURE_PAPER);
    picture_text(&p, 0, 0, title, scale, PICTURE_INK);
    paste(&p, body, title_h, 0);
    return p;
}

picture picture_beside(const picture *parts, int n, int gap)
{
    int rows = 0, cols = 0;
    for (int i = 0; i < n; i++) {
        rows = parts[i].rows > rows ? parts[i].rows : rows;
        cols += parts[i].cols + (i > 0 ? gap : 0);
    }
    picture p = picture_new(rows, cols, PICTURE_PAPER);
    for (int i = 0, left = 0; i < n; left += parts[i].cols + gap, i++)
        paste(&p, &parts[i], 0, left);
    return p;
}

picture picture_below(const picture *parts, int n, int gap)
{
    int rows = 0, cols = 0;
    for (int i = 0; i < n; i++) {
        cols = parts[i].cols > cols ? parts[i].cols : cols;
        rows += parts[i].rows + (i > 0 ? gap : 0);
    }
    picture p = picture_new(rows, cols, PICTURE_PAPER);
    for (int i = 0, top = 0; i < n; top += parts[i].rows + gap, i++)
        paste(&p, &parts[i], top, 0);
    return p;
}

picture scale_legend(const grey_scale *s, int width)
{
    const int strip = 8, lowest = s->kind == GREY_SIGNED ? -1 : 0;
    char low[32], high[32];
    picture p = picture_new(strip + 2 + text_height(1), width, PICTURE_PAPER);
    for (int x = 0; x < width; x++) {                          /* -M (or 0) at the left, M at the right */
        double t = width > 1 ? (double)x / (width - 1) : 1;
        fill_rect(&p, 0, x, strip, 1, grey_level(s, s->max * (lowest + (1 - lowest) * t)));
    }
    snprintf(low, sizeof low, "%.2g", lowest * s->max);
    snprintf(high, sizeof high, "%+.2g", s->max);
    picture_text(&p, strip + 2, 0, s->kind == GREY_SIGNED ? low : "0", 1, PICTURE_INK);
    picture_text(&p, strip + 2, width - text_width(high, 1), high, 1, PICTURE_INK);
    if (s->kind == GREY_SIGNED)
        picture_text(&p, strip + 2, (width - text_width("0", 1)) / 2, "0", 1, PICTURE_INK);
    return p;
}

/* ---------------------------------------------------------------- the bar chart */

void bar_heights(const real *probs, int n, int height, int *heights)
{
    for (int i = 0; i < n; i++) {
        double p = (double)probs[i];
        p = p < 0 ? 0 : p > 1 ? 1 : p;
        heights[i] = (int)lround(p * height);
    }
}

picture bar_chart(const real *probs, int n, int height, int bar_w, int highlight)
{
    const int gap = bar_w / 2 > 2 ? bar_w / 2 : 2, label_h = text_height(1) + 3, top = text_height(1) + 4;
    int heights[64], shown = n < 64 ? n : 64;
    char text[32];
    picture p = picture_new(top + height + 1 + label_h, gap + shown * (bar_w + gap), PICTURE_PAPER);
    bar_heights(probs, shown, height, heights);
    for (int i = 0; i < shown; i++) {
        int left = gap + i * (bar_w + gap), base = top + height;    /* the bar stands on row base */
        fill_rect(&p, top, left, height, bar_w, 235);               /* the outline's inside: very light */
        fill_rect(&p, base - heights[i], left, heights[i], bar_w, i == highlight ? PICTURE_INK : 96);
        snprintf(text, sizeof text, "%d", i);
        picture_text(&p, base + 3, left + (bar_w - text_width(text, 1)) / 2, text, 1, PICTURE_INK);
    }
    fill_rect(&p, top + height, 0, 1, p.cols, PICTURE_INK);         /* the ground line */
    if (highlight >= 0 && highlight < shown) {
        snprintf(text, sizeof text, "%d: %.3f", highlight, (double)probs[highlight]);
        picture_text(&p, 0, 0, text, 1, PICTURE_INK);
    }
    return p;
}

int picture_write(const char *path, const picture *p, char *err, size_t err_size)
{
    return pgm_write(path, p->pixels, p->rows, p->cols, err, err_size);
}

/* ---------------------------------------------------------------- the terminal */

static void frame_edges(FILE *out, int count, int w)
{
    for (int k = 0; k < count; k++) {
        fputs(k > 0 ? "  +" : "+", out);
        for (int x = 0; x < w; x++)
            fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
}

/* Pixel rows y and y + 1 (if any) of image (h, w), as shades (mnist.c's rule). */
static void shade_row(FILE *out, const unsigned char *image, int h, int w, int y)
{
    static const char shades[] = " .:-=+*#%@";
    const int levels = (int)(sizeof shades - 1);
    for (int x = 0; x < w; x++) {
        int sum = image[y * w + x], n = 1;
        if (y + 1 < h) {
            sum += image[(y + 1) * w + x];
            n = 2;
        }
        fputc(shades[(sum * levels) / (n * 256)], out);
    }
}

void draw_pictures_ascii(FILE *out, const unsigned char *images, int count, int h, int w, const char *const *titles)
{
    if (titles) {
        for (int k = 0; k < count; k++)
            fprintf(out, "%s%-*.*s", k > 0 ? "  " : "", w + 2, w + 2, titles[k] ? titles[k] : "");
        fputc('\n', out);
    }
    frame_edges(out, count, w);
    for (int y = 0; y < h; y += 2) {
        for (int k = 0; k < count; k++) {
            fputs(k > 0 ? "  |" : "|", out);
            shade_row(out, images + (size_t)k * h * w, h, w, y);
            fputc('|', out);
        }
        fputc('\n', out);
    }
    frame_edges(out, count, w);
}
