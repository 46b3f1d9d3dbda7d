/* picture.h: grey pictures of what a network computes (lesson 14).
 *
 * A network's numbers become a picture in four moves, each a function here:
 *   1. a grey scale turns numbers into grey levels (one scale for a whole
 *      picture, so that brighter always means larger);
 *   2. each number becomes a zoom x zoom square (a 2x2 filter is 4 pixels:
 *      too small to see without it);
 *   3. many maps of the same shape are tiled into a grid;
 *   4. panels get titles in a tiny built-in font and are put side by side
 *      or one below the other into one montage, written as a PGM (pgm.h).
 * The same maps can be drawn in the terminal with shaded characters.
 *
 * A picture is rows x cols bytes, row-major, 0 black .. 255 white (PGM's
 * convention). Every function that returns a picture allocates it (and
 * exits with a message when memory runs out, as tensor_alloc does); free it
 * with picture_free. Drawing outside a picture is clipped, never an error.
 *
 * Grey scales. M is the largest |v| of ALL the numbers the picture shows:
 *   signed    (some v < 0):  0 is mid-grey 128, +M white 255, -M nearly black 1
 *                            level = 128 + round(127 v / M)
 *   positive  (every v >= 0): 0 is black 0, M white 255
 *                            level = round(255 v / M)
 * Levels are clamped to the scale's range; with M = 0 every number is at
 * the scale's zero level. One scale per picture, never one per tile: a
 * scale per tile would stretch a map of tiny numbers to full white and make
 * a filter that hardly responds look as busy as the strongest one. */
#ifndef PICTURE_H
#define PICTURE_H

#include <stddef.h>
#include <stdio.h>

#include "real.h"

typedef struct {
    int rows, cols;
    unsigned char *pixels;      /* (rows, cols) */
} picture;

#define PICTURE_PAPER 255       /* the background of panels: white */
#define PICTURE_INK 0           /* text and bars: black */
#define PICTURE_BORDER 255      /* the lines between and around tiles: the paper */
#define GREY_ZERO_SIGNED 128    /* 0 on a signed scale */

picture picture_new(int rows, int cols, unsigned char fill);
void picture_free(picture *p);

/* ---------------------------------------------------------------- 1. grey scales */

typedef enum { GREY_SIGNED, GREY_POSITIVE } grey_kind;

typedef struct {
    grey_kind kind;
    double max;                 /* M: the largest |v| */
} grey_scale;

/* The scale for the numbers v (n): signed when one is negative, else positive. */
grey_scale grey_scale_of(const real *v, long n);

/* The signed scale for the numbers v (n), even when none is negative (filters:
 * a filter with no negative weight is worth seeing as such). */
grey_scale grey_scale_signed_of(const real *v, long n);

/* The grey level of the number v on scale s (0..255). */
unsigned char grey_level(const grey_scale *s, double v);

/* ---------------------------------------------------------------- 2, 3. maps, upscaled and tiled */

/* Draw map (h, w) into p with its top-left corner at (top, left), each
 * number as a zoom x zoom square of its grey level. */
void picture_put_map(picture *p, int top, int left, const real *map, int h, int w, int zoom, const grey_scale *s);

/* A sensible number of columns for a grid of count tiles: ceil(sqrt(count)). */
int tile_columns(int count);

/* The maps (count, h, w) as a grid of `columns` columns and
 * ceil(count / columns) rows: map k at grid row k / columns, grid column
 * k % columns (filling rows first, as text is read). Each tile is
 * zoom*h x zoom*w pixels; `border` pixels of PICTURE_BORDER run between the
 * tiles and around the grid, and fill the unused places of the last row.
 * So the picture is (rows*(zoom*h + border) + border) x
 * (columns*(zoom*w + border) + border), and tile k's top-left pixel is at
 * (border + (k / columns)*(zoom*h + border), border + (k % columns)*(zoom*w + border)). */
picture tile_maps(const real *maps, int count, int h, int w, int zoom, int columns, int border,
                  const grey_scale *s);

/* ---------------------------------------------------------------- 4. text, panels, the montage */

#define FONT_W 5                /* a glyph is 5 x 7 pixels at scale 1, one blank column after it */
#define FONT_H 7

/* 1 when the glyph of character ch has ink at (row, col), row 0..6, col
 * 0..4. The font has digits, capital letters, a small 'x' (the times sign
 * of 28x28), space and . , : ; - + / ( ) % = # < > _ ? ! ' * |; other
 * small letters are drawn as capitals, any other character as '?'. */
int font_pixel(char ch, int row, int col);

/* Width and height in pixels of text drawn at `scale` (each font pixel a
 * scale x scale square): 6 * scale per character but the last, which is 5 * scale. */
int text_width(const char *text, int scale);
int text_height(int scale);

/* Draw text into p with its top-left corner at (top, left), in level ink;
 * an 'x' between two digits is the small times sign, any other 'x' an X. */
void picture_text(picture *p, int top, int left, const char *text, int scale, unsigned char ink);

/* A new picture: the title (black, at `scale`) above a copy of body, on paper. */
picture picture_titled(const char *title, int scale, const picture *body);

/* New pictures made of n parts (copied) on paper: beside puts them in a
 * row, tops aligned, `gap` pixels apart; below in a column, left edges
 * aligned. */
picture picture_beside(const picture *parts, int n, int gap);
picture picture_below(const picture *parts, int n, int gap);

/* A legend for scale s: a strip `width` pixels wide of the levels from the
 * scale's lowest number (-M, or 0) to its highest (M), with those numbers
 * written under its ends and, on a signed scale, "0" under mid-grey. */
picture scale_legend(const grey_scale *s, int width);

/* The bars of a chart `height` pixels tall: heights[i] (n) = round(probs[i] * height). */
void bar_heights(const real *probs, int n, int height, int *heights);

/* A bar chart of n probabilities (the first 64 when n is larger): bar i is
 * bar_w pixels wide and heights[i] (bar_heights) pixels tall, standing on a
 * black line inside a very light grey box of the full height, with its
 * class number under it; bars are dark grey (96) but the bar `highlight`
 * (the network's answer; -1: none), which is black (PICTURE_INK) and has its
 * probability written above the chart. Bars start `gap` = max(bar_w / 2, 2)
 * pixels from the left and are gap pixels apart; the box's top row is
 * text_height(1) + 4. */
picture bar_chart(const real *probs, int n, int height, int bar_w, int highlight);

/* Write p as a PGM (pgm_write: safely, never half a file). Returns 0, or
 * -1 with one line in err naming path. */
int picture_write(const char *path, const picture *p, char *err, size_t err_size);

/* ---------------------------------------------------------------- the terminal */

/* count images (count, h, w) of grey levels side by side, each in a frame
 * of + - |, as draw_digit_ascii draws one (mnist.h: the shades " .:-=+*#%@",
 * two pixel rows per text row), `title[k]` above image k (titles may be
 * NULL; a title is cut to the frame's width). */
void draw_pictures_ascii(FILE *out, const unsigned char *images, int count, int h, int w, const char *const *titles);

#endif
