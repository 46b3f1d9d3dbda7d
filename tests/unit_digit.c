/* tests/unit_digit.c: a user's picture prepared as MNIST's digits were
 * (src/digit.h). The same digit drawn the ways users bring it (ink on grey
 * paper, a dim photo, black on white, larger and off centre) must come out
 * as the same 28x28 image; a bold digit on black must not be inverted; the
 * geometry (20x20 box, centre of mass at the middle) must be MNIST's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digit.h"
#include "harness.h"

#define SIDE 28

/* A "7"-like stroke, white on black, antialiased a little: a bar on top and
 * a slanted stem, in a 28x28 picture, at (top, left). */
static void draw_seven(float *v, int rows, int cols, int top, int left, int scale)
{
    memset(v, 0, sizeof(float) * (size_t)rows * cols);
    for (int y = 0; y < 16 * scale; y++)
        for (int x = 0; x < 12 * scale; x++) {
            int in_bar = y < 3 * scale;
            int stem_x = 12 * scale - 3 * scale - (y * 8) / 16;   /* slants left going down */
            int in_stem = x >= stem_x && x < stem_x + 3 * scale;
            if ((in_bar || in_stem) && top + y < rows && left + x < cols)
                v[(size_t)(top + y) * cols + left + x] = 1;
        }
}

/* ink 1 -> `ink`, background 0 -> `paper` (0..255 levels), like a photo. */
static void as_photo(float *v, size_t n, double paper, double ink)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)((paper + (ink - paper) * v[i]) / 255);
}

static int prepare(float *pixels, int rows, int cols, unsigned char *out, digit_report *r)
{
    pgm_image img = { rows, cols, 255, pixels };
    return digit_prepare(&img, out, r);
}

static double max_difference(const unsigned char *a, const unsigned char *b)
{
    int worst = 0;
    for (int i = 0; i < SIDE * SIDE; i++) {
        int d = abs(a[i] - b[i]);
        worst = d > worst ? d : worst;
    }
    return worst / 255.0;
}

static double mean_difference(const unsigned char *a, const unsigned char *b)
{
    double sum = 0;
    for (int i = 0; i < SIDE * SIDE; i++)
        sum += abs(a[i] - b[i]) / 255.0;
    return sum / (SIDE * SIDE);
}

static float clean[SIDE * SIDE];
static unsigned char reference[SIDE * SIDE];   /* the clean digit, prepared */

static void test_the_kinds_of_picture_users_bring(void)
{
    static const struct {
        const char *name;
        double paper, ink;
        int inverted;
    } kinds[] = {
        { "white on black", 0, 255, 0 },
        { "ink 70 on paper 175", 175, 70, 1 },
        { "a dim photo: ink 40 on paper 115", 115, 40, 1 },
        { "black on white", 255, 0, 1 },
        { "grey 120 on black", 0, 120, 0 },
    };
    digit_report r;
    CHECK_INT(prepare(clean, SIDE, SIDE, reference, &r), 0);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        float v[SIDE * SIDE];
        unsigned char out[SIDE * SIDE];
        memcpy(v, clean, sizeof v);
        as_photo(v, SIDE * SIDE, kinds[k].paper, kinds[k].ink);
        CHECK_INT(prepare(v, SIDE, SIDE, out, &r), 0);
        double d = max_difference(out, reference);
        printf("  %-34s inverted %d, largest difference from the clean digit %.3f\n", kinds[k].name, r.inverted, d);
        CHECK_INT(r.inverted, kinds[k].inverted);
        CHECK(d <= 2.0 / 255);
        CHECK(!r.no_ink);
    }
}

/* The old rule "invert when the mean is above 128" inverted a bold digit on
 * black; the border decides now. */
static void test_bold_digit_on_black_is_not_inverted(void)
{
    float v[SIDE * SIDE];
    unsigned char out[SIDE * SIDE];
    digit_report r;
    for (int i = 0; i < SIDE * SIDE; i++) {
        int y = i / SIDE, x = i % SIDE;
        v[i] = (y >= 2 && y < 26 && x >= 3 && x < 25 && !(y >= 9 && y < 19 && x >= 10 && x < 18)) ? 1.0f : 0.0f;
    }
    double mean = 0;
    for (int i = 0; i < SIDE * SIDE; i++)
        mean += v[i] / (SIDE * SIDE);
    CHECK(mean > 0.5);                                   /* mostly bright: the old rule would invert it */
    CHECK_INT(prepare(v, SIDE, SIDE, out, &r), 0);
    CHECK_INT(r.inverted, 0);
    CHECK_INT(out[14 * SIDE + 14], 0);                   /* the hole stays black */
    CHECK_INT(out[14 * SIDE + 5], 255);                  /* the ring stays white */
}

/* MNIST's geometry: the ink's box scaled so its longer side is 20, the
 * aspect ratio kept, the centre of mass at (13.5, 13.5) to within half a
 * pixel. A larger, off-centre picture comes out like the small one. */
static void test_box_and_centre_of_mass(void)
{
    static float big[150 * 160];
    unsigned char out[SIDE * SIDE];
    digit_report r;
    draw_seven(big, 150, 160, 12, 90, 4);                /* 48 wide x 64 tall, near the right edge */
    as_photo(big, 150 * 160, 175, 70);
    CHECK_INT(prepare(big, 150, 160, out, &r), 0);
    CHECK(r.inverted);
    CHECK_INT(r.box_rows, 64);
    CHECK_INT(r.box_cols, 48);
    CHECK_INT(r.scaled_rows, 20);
    CHECK_INT(r.scaled_cols, 15);
    double mass = 0, cy = 0, cx = 0;
    int top = SIDE, bottom = -1;
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++) {
            double m = out[y * SIDE + x];
            mass += m;
            cy += m * y;
            cx += m * x;
            if (m > 0) {
                top = y < top ? y : top;
                bottom = y > bottom ? y : bottom;
            }
        }
    CHECK_NEAR(cy / mass, 13.5, 0.5);
    CHECK_NEAR(cx / mass, 13.5, 0.5);
    CHECK_INT(bottom - top + 1, 20);
    printf("  a 160x150 photo, digit off centre: mean difference from the clean digit %.3f\n",
           mean_difference(out, reference));
    CHECK(mean_difference(out, reference) < 0.05);       /* the same digit, drawn 4x larger */
}

static void test_no_ink_and_warnings(void)
{
    float v[SIDE * SIDE];
    unsigned char out[SIDE * SIDE];
    digit_report r;
    for (int i = 0; i < SIDE * SIDE; i++)
        v[i] = 0.6f + 0.01f * (float)(i % 3);            /* paper, nothing on it */
    CHECK_INT(prepare(v, SIDE, SIDE, out, &r), 0);
    CHECK(r.no_ink);
    const char *path = tmp_path("warnings.txt");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_INT(digit_warnings(f, &r), 1);
    fclose(f);
    char *text = read_text_file(path);
    CHECK_CONTAINS(text, "warning: ");
    free(text);
    memcpy(v, clean, sizeof v);
    CHECK_INT(prepare(v, SIDE, SIDE, out, &r), 0);
    f = fopen(path, "w");
    if (f) {
        CHECK_INT(digit_warnings(f, &r), 0);             /* a clean digit: nothing to say */
        fclose(f);
    }
    remove(path);
}

int main(void)
{
    make_tmp_dir("unit_digit");
    draw_seven(clean, SIDE, SIDE, 4, 8, 1);
    RUN_TEST(test_the_kinds_of_picture_users_bring);
    RUN_TEST(test_bold_digit_on_black_is_not_inverted);
    RUN_TEST(test_box_and_centre_of_mass);
    RUN_TEST(test_no_ink_and_warnings);
    return harness_finish();
}
