/* tests/exercise_17.c: the checks for exercise 17 (Winograd's F(2, 3) and the tiles of F(2x2, 3x3)).
 * Built against solutions/17_winograd.c by `make test` and against
 * exercises/17_winograd.c by `make check EX=17`.
 *
 * Every result is compared with the direct correlation written here, on
 * lesson 17's numbers (lesson 01's d = (5, 2, 2, 3), g = (1, 2, -1)) and on
 * random numbers; the likely mistakes are recomputed and named. */
#include <math.h>
#include <stdio.h>

#include "17_winograd.h"
#include "exercise.h"
#include "rng.h"

static const double D1[4] = { 5, 2, 2, 3 };   /* lesson 01's image, first row        */
static const double G1[3] = { 1, 2, -1 };     /* lesson 01's filter, first three weights */

static int transforms_passed;   /* task 1's result, for task 2's diagnosis */

/* ------------------------------------------------------------------ references
 * (the EXERCISE_REFERENCE blocks: the instructor's copy only; make expected
 * stores what they compute in tests/expected/exercise_17.txt, the handout
 * reads it there: exercise.h, STORED_VALUES) */
#ifdef EXERCISE_REFERENCE
static void ref_input(const double *d, double *v)     /* B^T d */
{
    v[0] = d[0] - d[2], v[1] = d[1] + d[2], v[2] = d[2] - d[1], v[3] = d[1] - d[3];
}

static void ref_filter(const double *g, double *u)    /* G g */
{
    u[0] = g[0], u[1] = (g[0] + g[1] + g[2]) / 2, u[2] = (g[0] - g[1] + g[2]) / 2, u[3] = g[2];
}

static void ref_direct(const double *d, const double *g, double *y)
{
    for (int i = 0; i < 2; i++)
        y[i] = d[i] * g[0] + d[i + 1] * g[1] + d[i + 2] * g[2];
}
#endif

static void swap_middle(double *v)
{
    double t = v[1];
    v[1] = v[2];
    v[2] = t;
}

static int all_zero(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i] != 0)
            return 0;
    return 1;
}

static void random_fill(rng_t *rng, double *v, int n)
{
    for (int i = 0; i < n; i++)
        v[i] = rng_normal(rng);
}

/* ------------------------------------------------------------------ task 1 */

static void task_transforms(void)
{
    task_begin(1, "the input and filter transforms, B^T d and G g",
               HINTS("Each of the 4 products multiplies a sum of inputs by a sum of weights: the input "
                     "transform makes the sums of d, the filter transform those of g (the values of the "
                     "polynomial g0 + g1 x + g2 x^2 at x = 0, then at 1 and -1 halved, and its last coefficient).",
                     "B^T d = (d0 - d2, d1 + d2, d2 - d1, d1 - d3);  G g = (g0, (g0 + g1 + g2)/2, "
                     "(g0 - g1 + g2)/2, g2).",
                     "v[0] = d[0] - d[2]; v[1] = d[1] + d[2]; v[2] = d[2] - d[1]; v[3] = d[1] - d[3]; and "
                     "u[0] = g[0]; u[1] = (g[0] + g[1] + g[2]) / 2; u[2] = (g[0] - g[1] + g[2]) / 2; "
                     "u[3] = g[2]."));
    double v[4] = { 0 }, u[4] = { 0 }, want_v[4], want_u[4], swapped[4], unhalved[4];
    CALL(f23_input_transform(D1, v));
    CALL(f23_filter_transform(G1, u));
#ifdef EXERCISE_REFERENCE
    ref_input(D1, want_v);                                   /* (3, 4, 0, -1)  */
    ref_filter(G1, want_u);                                  /* (1, 1, -1, -1) */
#endif
    STORED_VALUES("B^T d for d = (5, 2, 2, 3)", want_v, 4);
    STORED_VALUES("G g for g = (1, 2, -1)", want_u, 4);
    if (all_zero(v, 4))
        task_diagnose("B^T d is all zeros: nothing was written to v");
    for (int i = 0; i < 4; i++)
        swapped[i] = want_v[i];
    swap_middle(swapped);
    if (!all_zero(v, 4) && arrays_near(v, swapped, 4, 1e-12))
        task_diagnose("the middle two transforms were swapped: v[1] = d1 + d2 and v[2] = d2 - d1 (in "
                      "that order, matching u[1] = (g0 + g1 + g2)/2 and u[2] = (g0 - g1 + g2)/2)");
    task_expect_array("B^T d for d = (5, 2, 2, 3)", want_v, v, 4, 1e-12);

    for (int i = 0; i < 4; i++)
        swapped[i] = want_u[i], unhalved[i] = (i == 1 || i == 2) ? 2 * want_u[i] : want_u[i];
    swap_middle(swapped);
    if (all_zero(u, 4))
        task_diagnose("G g is all zeros: nothing was written to u");
    else if (arrays_near(u, swapped, 4, 1e-12))
        task_diagnose("the middle two transforms were swapped: u[1] = (g0 + g1 + g2)/2 (g at x = 1) "
                      "and u[2] = (g0 - g1 + g2)/2 (g at x = -1)");
    else if (arrays_near(u, unhalved, 4, 1e-12))
        task_diagnose("u[1] and u[2] are not halved: G's middle rows are (1/2, 1/2, 1/2) and "
                      "(1/2, -1/2, 1/2); without the 1/2 every output comes out with m2 and m3 doubled");
    task_expect_array("G g for g = (1, 2, -1)", want_u, u, 4, 1e-12);

    rng_t rng = rng_seeded(1701);
    double d[4], g[3];
    random_fill(&rng, d, 4);
    random_fill(&rng, g, 3);
    CALL(f23_input_transform(d, v));
    CALL(f23_filter_transform(g, u));
#ifdef EXERCISE_REFERENCE
    ref_input(d, want_v);
    ref_filter(g, want_u);
#endif
    STORED_VALUES("B^T d for a random d", want_v, 4);
    STORED_VALUES("G g for a random g", want_u, 4);
    task_expect_array("B^T d for a random d", want_v, v, 4, 1e-12);
    task_expect_array("G g for a random g", want_u, u, 4, 1e-12);
    transforms_passed = task_diagnoses() == 0 && arrays_near(v, want_v, 4, 1e-12) && arrays_near(u, want_u, 4, 1e-12);
    task_end();
}

/* ------------------------------------------------------------------ task 2 */

/* Task 1's transforms right on lesson 17's d and g: each task runs in a
 * process of its own under make check, so task 2 cannot rely on task 1's run. */
static int transforms_right(void)
{
    static const double want_v[4] = { 3, 4, 0, -1 }, want_u[4] = { 1, 1, -1, -1 };
    double v[4] = { 0 }, u[4] = { 0 };
    CALL(f23_input_transform(D1, v));
    CALL(f23_filter_transform(G1, u));
    return arrays_near(v, want_v, 4, 1e-12) && arrays_near(u, want_u, 4, 1e-12);
}

static void task_f23(void)
{
    task_begin(2, "F(2, 3): two outputs with 4 multiplications",
               HINTS("Transform d and g (task 1), multiply them element by element (these are the only "
                     "4 multiplications) and combine the 4 products into the 2 outputs with additions "
                     "and subtractions.",
                     "m = (G g) (.) (B^T d), m[k] = u[k] v[k];  y[0] = m[0] + m[1] + m[2],  y[1] = m[1] - m[2] "
                     "- m[3] (the rows of A^T: (1, 1, 1, 0) and (0, 1, -1, -1)).",
                     "double v[4], u[4], m[4]; f23_input_transform(d, v); f23_filter_transform(g, u); "
                     "for k in 0..3: m[k] = u[k] * v[k]; then y[0] = m[0] + m[1] + m[2]; "
                     "y[1] = m[1] - m[2] - m[3]."));
    double y[2] = { 0 }, want[2];
    transforms_passed = transforms_right();
    CALL(f23(D1, G1, y));
#ifdef EXERCISE_REFERENCE
    ref_direct(D1, G1, want);                                /* (7, 3) */
#endif
    STORED_VALUES("y for d = (5, 2, 2, 3), g = (1, 2, -1)", want, 2);
    if (all_zero(y, 2))
        task_diagnose("y is all zeros: nothing was written to y");
    else if (!transforms_passed)
        task_diagnose("task 1 fails: f23 needs B^T d and G g right first (make check EX=17 shows task 1)");
    task_expect_array("y for d = (5, 2, 2, 3), g = (1, 2, -1) (lesson 17)", want, y, 2, 1e-12);

    rng_t rng = rng_seeded(1702);
    double worst_ok = 1;
    for (int t = 0; t < 20 && worst_ok; t++) {
        double d[4], g[3], got[2] = { 0 }, ref[2];
        random_fill(&rng, d, 4);
        random_fill(&rng, g, 3);
        CALL(f23(d, g, got));
        double m[4];
#ifdef EXERCISE_REFERENCE
        double v[4], u[4];
        ref_direct(d, g, ref);
        ref_input(d, v);
        ref_filter(g, u);
        for (int k = 0; k < 4; k++)
            m[k] = u[k] * v[k];
#endif
        STORED_VALUES("y of a random d and g by the direct sums", ref, 2);   /* the t-th: told apart by order */
        STORED_VALUES("m = (G g) (.) (B^T d) of a random d and g", m, 4);
        double plus_m2 = m[1] + m[2] - m[3], plus_m3 = m[1] - m[2] + m[3], tol = 1e-12;
        if (transforms_passed && fabs(got[0] - ref[0]) < tol && fabs(got[1] - ref[1]) > tol
            && (fabs(got[1] - plus_m2) < tol || fabs(got[1] - plus_m3) < tol))
            task_diagnose("y[0] is right but y[1] is not: y[1] = m[1] - m[2] - m[3] (A^T's second row is (0, 1, -1, "
                          "-1)); a sign is off (lesson 17's numbers give m[2] = 0, which hides it)");
        worst_ok = task_expect_array("y for a random d and g, against the direct sums", ref, got, 2, 1e-12);
    }
    task_end();
}

/* ------------------------------------------------------------------ task 3 */

#define CANARY 12345.0

static void task_place_tile(void)
{
    task_begin(3, "place each 2x2 output tile into the output map",
               HINTS("Output tile (ty, tx) holds 2x2 outputs; the tiles sit side by side in the output "
                     "map, 2 rows and 2 columns apart. A map with an odd side has a last tile half "
                     "outside: drop what falls beyond the map.",
                     "tile[i][j] goes to out[2 ty + i][2 tx + j], for i, j in 0..1, when 2 ty + i < "
                     "out_h and 2 tx + j < out_w.",
                     "for i in 0..1, j in 0..1: r = 2 * ty + i, c = 2 * tx + j; if (r < out_h && c < "
                     "out_w) out[r * out_w + c] = tile[i * 2 + j]."));
    /* A 4x4 map from its four tiles: tile (ty, tx) filled with 10 * (2 ty + tx) + (its index). */
    double out[16 + 8], want[16], stride4[16 + 8], transposed[16];
    for (int i = 0; i < 24; i++)
        out[i] = CANARY, stride4[i] = CANARY;
    for (int ty = 0; ty < 2; ty++)
        for (int tx = 0; tx < 2; tx++) {
            double tile[4];
            for (int k = 0; k < 4; k++)
                tile[k] = 10 * (2 * ty + tx) + k;
            CALL(winograd_place_tile(tile, ty, tx, out, 4, 4));
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) {
                    want[(2 * ty + i) * 4 + 2 * tx + j] = tile[i * 2 + j];
                    transposed[(2 * tx + i) * 4 + 2 * ty + j] = tile[i * 2 + j];
                    int r = 4 * ty + i, c = 4 * tx + j;
                    if (r < 4 && c < 4)
                        stride4[r * 4 + c] = tile[i * 2 + j];
                }
        }
    if (out[0] == CANARY && out[5] == CANARY && out[15] == CANARY)
        task_diagnose("the output map was not written");
    else if (arrays_near(out, stride4, 16, 0))
        task_diagnose("tiles placed with stride 4 instead of 2: the input tiles are 4 wide and 2 apart, "
                      "but the output tiles are 2 wide and 2 apart, out[2 ty + i][2 tx + j]");
    else if (arrays_near(out, transposed, 16, 0))
        task_diagnose("ty and tx are swapped: ty counts tile rows (2 ty + i is the row), tx tile columns");
    task_expect_array("a 4x4 map from its four tiles, (ty, tx) = (0,0), (0,1), (1,0), (1,1)", want, out, 16, 0);
    for (int i = 16; i < 24; i++)
        if (out[i] != CANARY) {
            task_diagnose("something was written beyond the 4x4 map (entry %d of a 16-entry map)", i);
            break;
        }

    /* A 3x3 map (odd sides): its four tiles, the last ones half outside. */
    double odd[9 + 8], want_odd[9];
    for (int i = 0; i < 17; i++)
        odd[i] = CANARY;
    for (int ty = 0; ty < 2; ty++)
        for (int tx = 0; tx < 2; tx++) {
            double tile[4];
            for (int k = 0; k < 4; k++)
                tile[k] = 10 * (2 * ty + tx) + k;
            CALL(winograd_place_tile(tile, ty, tx, odd, 3, 3));
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    if (2 * ty + i < 3 && 2 * tx + j < 3)
                        want_odd[(2 * ty + i) * 3 + 2 * tx + j] = tile[i * 2 + j];
        }
    int beyond = 0;
    for (int i = 9; i < 17; i++)
        beyond |= odd[i] != CANARY;
    if ((beyond || !arrays_near(odd, want_odd, 9, 0)) && task_diagnoses() == 0)
        task_diagnose("on a 3x3 map the last tiles stick out by a row or a column: the outputs "
                      "2 ty + i >= out_h or 2 tx + j >= out_w do not exist and must be dropped "
                      "(written, they land in the next row or beyond the map)");
    task_expect_array("a 3x3 map from four tiles (odd sides)", want_odd, odd, 9, 0);
    task_end();
}

/* ------------------------------------------------------------------ task 4 */

static void task_input_tile(void)
{
    task_begin(4, "the 4x4 input tile that an output tile reads",
               HINTS("Output tile (ty, tx) needs the 3x3 windows of its 4 outputs: a 4x4 patch of the "
                     "image starting where its first output's window starts. The patches start 2 "
                     "pixels apart and overlap; near the far edge of the image they read zeros.",
                     "d[i][j] = x[2 ty + i][2 tx + j] for i, j in 0..3, or 0 when 2 ty + i >= h or "
                     "2 tx + j >= w.",
                     "for i in 0..3, j in 0..3: r = 2 * ty + i, c = 2 * tx + j; d[i * 4 + j] = (r < h "
                     "&& c < w) ? x[r * w + c] : 0."));
    double x[7 * 7];
    for (int i = 0; i < 49; i++)
        x[i] = i + 1;                                          /* pixel (r, c) = 7 r + c + 1 */
    double d[16], want[16], stride4[16], stride1[16];
    for (int k = 0; k < 16; k++)
        d[k] = CANARY;
    CALL(winograd_input_tile(x, 7, 7, 1, 1, d));
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            want[i * 4 + j] = x[(2 + i) * 7 + 2 + j];
            stride4[i * 4 + j] = (4 + i < 7 && 4 + j < 7) ? x[(4 + i) * 7 + 4 + j] : 0;
            stride1[i * 4 + j] = x[(1 + i) * 7 + 1 + j];
        }
    if (d[0] == CANARY && d[15] == CANARY)
        task_diagnose("the tile was not written");
    else if (arrays_near(d, stride4, 16, 0))
        task_diagnose("tiles taken with stride 4 instead of 2: the 4x4 input tiles overlap by 2, "
                      "so tile (ty, tx) starts at (2 ty, 2 tx)");
    else if (arrays_near(d, stride1, 16, 0))
        task_diagnose("tile (1, 1) starts at (1, 1): the tiles are 2 apart, it starts at (2, 2)");
    task_expect_array("tile (1, 1) of a 7x7 image (pixel (r, c) = 7r + c + 1)", want, d, 16, 0);

    for (int k = 0; k < 16; k++)
        d[k] = CANARY;
    CALL(winograd_input_tile(x, 7, 7, 2, 2, d));               /* rows and columns 4..7: 7 is beyond */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            want[i * 4 + j] = (4 + i < 7 && 4 + j < 7) ? x[(4 + i) * 7 + 4 + j] : 0;
    int inside_right = 1, outside_zero = 1;                    /* the 3x3 inside x, and the rest */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            if (4 + i < 7 && 4 + j < 7)
                inside_right &= d[i * 4 + j] == want[i * 4 + j];
            else
                outside_zero &= d[i * 4 + j] == 0;
        }
    if (inside_right && !outside_zero)
        task_diagnose("the last tile of a 7x7 image reaches row and column 7, beyond the image: those "
                      "entries are 0 (the outputs they feed do not exist): write 0 there, do not skip them");
    task_expect_array("tile (2, 2) of the 7x7 image: its last row and column are zeros", want, d, 16, 0);
    task_end();
}

int main(int argc, char **argv)
{
    static const exercise_task tasks[] = { task_transforms, task_f23, task_place_tile, task_input_tile };
    return exercise_main(argc, argv, "exercise 17 (Winograd F(2, 3) and its tiles)", tasks,
                         (int)(sizeof tasks / sizeof tasks[0]));
}
