/* similarity: which students' files share the most code, by winnowing.
 *
 *   build/similarity [--k 15] [--window 8] [--threshold 40] [--top 10] [--lines 40]
 *                    [--skeleton FILE]... --file NAME FILE --file NAME FILE ...
 *
 * `make similarity DIR=submissions` calls it once per exercise with every
 * student's copy of that exercise (src/tools/similarity.sh).
 *
 * The method is the one MOSS uses: S. Schleimer, D. S. Wilkerson, A. Aiken,
 * "Winnowing: Local Algorithms for Document Fingerprinting", SIGMOD 2003.
 *
 *   1. Each file becomes a list of tokens, so that layout, comments and names
 *      do not matter: every identifier is the token "V", every number "N",
 *      every string or character constant "S"; keywords and operators stay
 *      what they are; preprocessor lines are dropped. (Renaming variables
 *      changes nothing; reordering statements breaks only the k-grams that
 *      cross the moved boundaries.)
 *   2. Every run of k consecutive tokens (a k-gram) gets a 64-bit hash.
 *   3. Winnowing (section 3.1 of the paper): slide a window over w
 *      consecutive k-gram hashes and keep, in each window, the smallest hash
 *      (the rightmost one on a tie), recording it once when consecutive
 *      windows keep the same one. The paper's guarantee: any shared run of at
 *      least w + k - 1 tokens is found, and nothing shorter than k tokens
 *      (the noise threshold) is.
 *   4. Every k-gram hash of the skeleton the students were given (every one,
 *      not only those kept) is removed from every file's fingerprints, so
 *      the code everyone started from is not counted (section 5: "ignore
 *      the base code").
 *   5. For each pair of files: the fingerprints they share, as a share of
 *      the smaller set; pairs at or above the threshold (percent) are listed,
 *      most shared first, with the shared lines side by side.
 *
 * What it cannot see (the instructors' notes, "Academic honesty"): a copy
 * rewritten by hand (a loop turned around, statements reordered throughout),
 * code shared from outside the class, and a short exercise where any two
 * correct answers are nearly the same tokens; a listed pair is a reason to
 * look at both files, not a verdict. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program = "similarity";

/* ---------------------------------------------------------------- files */

typedef struct {
    const char *name;      /* the student (or "skeleton") */
    const char *path;
    char *text;            /* the whole file, NUL-terminated */
    long n_lines;
    char **line;           /* line[i]: the start of line i + 1 in text (cut at '\n') */
    /* tokens */
    long n_tokens;
    uint64_t *token;       /* each token's hash */
    long *token_line;      /* the line (1-based) it is on */
    /* fingerprints, kept by winnowing: hash and the k-gram's first token */
    long n_prints;
    uint64_t *print;
    long *print_at;
} document;

#define MAX_FILE_BYTES (4L << 20)

/* Read path into d->text; 0 and a message on any failure. */
static int read_document(document *d)
{
    FILE *f = fopen(d->path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s: cannot open it\n", program, d->path);
        return 0;
    }
    size_t cap = 4096, n = 0;
    d->text = malloc(cap);
    for (;;) {
        if (!d->text) {
            fprintf(stderr, "%s: %s: out of memory\n", program, d->path);
            fclose(f);
            return 0;
        }
        n += fread(d->text + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        if ((long)cap > MAX_FILE_BYTES) {
            fprintf(stderr, "%s: %s: larger than %ld MB, not a student's exercise\n", program, d->path,
                    MAX_FILE_BYTES >> 20);
            fclose(f);
            return 0;
        }
        cap *= 2;
        char *bigger = realloc(d->text, cap);
        if (!bigger)
            free(d->text);
        d->text = bigger;
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "%s: %s: a read error\n", program, d->path);
        return 0;
    }
    d->text[n] = '\0';
    if (memchr(d->text, '\0', n)) {
        fprintf(stderr, "%s: %s: has NUL bytes: not a C source file\n", program, d->path);
        return 0;
    }
    return 1;
}

/* Cut the text into lines (the '\n's become '\0's; done after tokenising). */
static int split_lines(document *d)
{
    long count = 1;
    for (const char *p = d->text; *p; p++)
        count += *p == '\n';
    d->line = malloc((size_t)count * sizeof *d->line);
    if (!d->line)
        return 0;
    d->n_lines = 0;
    char *p = d->text;
    d->line[d->n_lines++] = p;
    for (; *p; p++)
        if (*p == '\n') {
            *p = '\0';
            if (d->n_lines < count)
                d->line[d->n_lines++] = p + 1;
        }
    return 1;
}

/* ---------------------------------------------------------------- tokens */

static uint64_t fnv1a(const char *s, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}
#define FNV_START 14695981039346656037u

static const char *const keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "_Bool", "_Complex", "_Alignas", "_Alignof", "_Atomic", "_Generic",
    "_Noreturn", "_Static_assert", "_Thread_local",
};

static int is_keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen(keywords[i]) == n && memcmp(keywords[i], s, n) == 0)
            return 1;
    return 0;
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* C's punctuators of three and two characters, longest first. */
static const char *const punctuators[] = {
    "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
};

static int add_token(document *d, long *cap, const char *s, size_t n, long line)
{
    if (d->n_tokens == *cap) {
        long bigger = *cap ? 2 * *cap : 1024;
        uint64_t *t = realloc(d->token, (size_t)bigger * sizeof *t);
        if (!t)
            return 0;
        d->token = t;
        long *l = realloc(d->token_line, (size_t)bigger * sizeof *l);
        if (!l)
            return 0;
        d->token_line = l;
        *cap = bigger;
    }
    d->token[d->n_tokens] = fnv1a(s, n, FNV_START);
    d->token_line[d->n_tokens] = line;
    d->n_tokens++;
    return 1;
}

/* The file's tokens, as step 1 above says. */
static int tokenise(document *d)
{
    long cap = 0, line = 1;
    const char *p = d->text;
    int line_start = 1;   /* only blanks since the last newline: a '#' starts a directive */
    while (*p) {
        char c = *p;
        if (c == '\n') {
            line++;
            line_start = 1;
            p++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            p++;
            continue;
        }
        if (c == '#' && line_start) {             /* a directive, with its continuation lines */
            while (*p && *p != '\n') {
                if (*p == '\\' && p[1] == '\n') {
                    line++;
                    p++;
                }
                p++;
            }
            continue;
        }
        line_start = 0;
        if (c == '/' && p[1] == '/') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (c == '/' && p[1] == '*') {
            p += 2;
            while (*p && !(*p == '*' && p[1] == '/')) {
                line += *p == '\n';
                p++;
            }
            if (*p)
                p += 2;
            continue;
        }
        const char *start = p;
        int ok;
        if (is_ident_start(c)) {
            while (is_ident_char(*p))
                p++;
            size_t n = (size_t)(p - start);
            ok = is_keyword(start, n) ? add_token(d, &cap, start, n, line) : add_token(d, &cap, "V", 1, line);
        } else if ((c >= '0' && c <= '9') || (c == '.' && p[1] >= '0' && p[1] <= '9')) {
            while (is_ident_char(*p) || *p == '.' ||
                   ((*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E' || p[-1] == 'p' || p[-1] == 'P')))
                p++;
            ok = add_token(d, &cap, "N", 1, line);
        } else if (c == '"' || c == '\'') {
            p++;
            while (*p && *p != c && *p != '\n') {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
            if (*p == c)
                p++;
            ok = add_token(d, &cap, "S", 1, line);
        } else {
            size_t n = 1;
            for (size_t i = 0; i < sizeof punctuators / sizeof punctuators[0]; i++) {
                size_t len = strlen(punctuators[i]);
                if (strncmp(p, punctuators[i], len) == 0) {
                    n = len;
                    break;
                }
            }
            p += n;
            ok = add_token(d, &cap, start, n, line);
        }
        if (!ok) {
            fprintf(stderr, "%s: %s: out of memory\n", program, d->path);
            return 0;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------- k-grams and winnowing */

/* The hash of the k tokens from token i: FNV-1a over their hashes. */
static uint64_t kgram_hash(const document *d, long i, int k)
{
    uint64_t h = FNV_START;
    for (int j = 0; j < k; j++)
        h = fnv1a((const char *)&d->token[i + j], sizeof d->token[0], h);
    return h;
}

/* Step 3: the fingerprints of d, winnowed with windows of w hashes. A file
 * shorter than one window keeps its smallest hash; one with fewer than k
 * tokens has none. */
static int winnow(document *d, int k, int w)
{
    long m = d->n_tokens - k + 1;                /* the number of k-grams */
    d->n_prints = 0;
    if (m <= 0)
        return 1;
    uint64_t *h = malloc((size_t)m * sizeof *h);
    d->print = malloc((size_t)m * sizeof *d->print);
    d->print_at = malloc((size_t)m * sizeof *d->print_at);
    if (!h || !d->print || !d->print_at) {
        free(h);
        fprintf(stderr, "%s: %s: out of memory\n", program, d->path);
        return 0;
    }
    for (long i = 0; i < m; i++)
        h[i] = kgram_hash(d, i, k);
    long windows = m >= w ? m - w + 1 : 1, last = -1;
    long width = m >= w ? w : m;
    for (long s = 0; s < windows; s++) {
        long best = s;
        for (long i = s; i < s + width; i++)
            if (h[i] <= h[best])                 /* the rightmost minimum */
                best = i;
        if (best != last) {
            d->print[d->n_prints] = h[best];
            d->print_at[d->n_prints] = best;
            d->n_prints++;
            last = best;
        }
    }
    free(h);
    return 1;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Step 4: drop d's fingerprints whose hash is in the sorted list base[nb]. */
static void remove_base(document *d, const uint64_t *base, long nb)
{
    if (nb == 0)
        return;
    long kept = 0;
    for (long i = 0; i < d->n_prints; i++)
        if (!bsearch(&d->print[i], base, (size_t)nb, sizeof *base, compare_u64)) {
            d->print[kept] = d->print[i];
            d->print_at[kept] = d->print_at[i];
            kept++;
        }
    d->n_prints = kept;
}

/* The distinct hashes of d's fingerprints, sorted (into out, n_prints long). */
static long distinct_prints(const document *d, uint64_t *out)
{
    if (d->n_prints == 0)
        return 0;
    memcpy(out, d->print, (size_t)d->n_prints * sizeof *out);
    qsort(out, (size_t)d->n_prints, sizeof *out, compare_u64);
    long n = 0;
    for (long i = 0; i < d->n_prints; i++)
        if (n == 0 || out[n - 1] != out[i])
            out[n++] = out[i];
    return n;
}

/* ---------------------------------------------------------------- pairs */

typedef struct {
    int a, b;
    long shared;
    double share;   /* percent of the smaller set of fingerprints */
} pair;

static long count_shared(const uint64_t *x, long nx, const uint64_t *y, long ny)
{
    long i = 0, j = 0, n = 0;
    while (i < nx && j < ny) {
        if (x[i] < y[j])
            i++;
        else if (x[i] > y[j])
            j++;
        else {
            n++;
            i++;
            j++;
        }
    }
    return n;
}

static int by_shared(const void *p, const void *q)
{
    const pair *a = p, *b = q;
    if (a->share != b->share)
        return a->share < b->share ? 1 : -1;
    if (a->shared != b->shared)
        return a->shared < b->shared ? 1 : -1;
    return a->a != b->a ? a->a - b->a : a->b - b->b;
}

/* A line cut or padded to width columns (tabs as one space). */
static void print_column(const char *text, int width)
{
    int col = 0;
    for (; text && *text && col < width; text++, col++)
        putchar(*text == '\t' || *text == '\r' ? ' ' : *text);
    for (; col < width; col++)
        putchar(' ');
}

/* Lines a_first..a_last of a beside b_first..b_last of b. */
static long print_block(const document *a, long a_first, long a_last, const document *b, long b_first,
                        long b_last, long budget)
{
    long na = a_last - a_first + 1, nb = b_last - b_first + 1, rows = na > nb ? na : nb, r;
    for (r = 0; r < rows && r < budget; r++) {
        long la = a_first + r, lb = b_first + r;
        int has_a = r < na && la <= a->n_lines, has_b = r < nb && lb <= b->n_lines;
        if (has_a)
            printf("    %5ld  ", la);
        else
            printf("    %5s  ", "");
        print_column(has_a ? a->line[la - 1] : "", 44);
        printf(" | ");
        if (has_b)
            printf("%5ld  ", lb);
        else
            printf("%5s  ", "");
        print_column(has_b ? b->line[lb - 1] : "", 44);
        printf("\n");
    }
    return r;
}

/* The lines of a and b covered by their shared fingerprints, side by side:
 * one block per run of matches that goes on in both files (a fingerprint
 * that occurs more than once in b is matched to the first occurrence after
 * the previous match, so the blocks follow both files downwards). */
static void print_shared_lines(const document *a, const document *b, int k, long max_lines)
{
    long printed = 0, next_b = 0, blocks = 0;
    long cur_a0 = -1, cur_a1 = -1, cur_b0 = -1, cur_b1 = -1;   /* the block being grown */
    for (long i = 0; i <= a->n_prints && printed < max_lines; i++) {
        long j = -1;
        if (i < a->n_prints) {
            for (long t = next_b; t < b->n_prints && j < 0; t++)
                if (b->print[t] == a->print[i])
                    j = t;
            for (long t = 0; t < next_b && j < 0; t++)
                if (b->print[t] == a->print[i])
                    j = t;
            if (j < 0)
                continue;
        }
        long a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        if (j >= 0) {
            a0 = a->token_line[a->print_at[i]];
            a1 = a->token_line[a->print_at[i] + k - 1];
            b0 = b->token_line[b->print_at[j]];
            b1 = b->token_line[b->print_at[j] + k - 1];
            next_b = j + 1;
            if (cur_a0 >= 0 && a0 <= cur_a1 + 1 && b0 <= cur_b1 + 1 && b1 >= cur_b0) {
                cur_a1 = a1 > cur_a1 ? a1 : cur_a1;
                cur_b1 = b1 > cur_b1 ? b1 : cur_b1;
                continue;
            }
        }
        if (cur_a0 >= 0) {                                   /* the block ends: print it */
            if (blocks++)
                printf("    %5s  %-44s | %5s\n", "...", "", "...");
            printed += print_block(a, cur_a0, cur_a1, b, cur_b0, cur_b1, max_lines - printed);
        }
        cur_a0 = a0;
        cur_a1 = a1;
        cur_b0 = b0;
        cur_b1 = b1;
    }
    if (printed >= max_lines)
        printf("    (cut at %ld lines: --lines to see more)\n", max_lines);
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
    fprintf(stderr,
            "usage: %s [--k 15] [--window 8] [--threshold 40] [--top 10] [--lines 40]\n"
            "       [--skeleton FILE]... --file NAME FILE --file NAME FILE ...\n"
            "  k: tokens per k-gram (the noise threshold); window: k-grams per window (any shared run of\n"
            "  k + window - 1 tokens is found); threshold: the percent of the smaller file's fingerprints\n"
            "  two files must share to be listed; top: at most this many pairs; lines: per pair.\n",
            program);
}

static int int_arg(const char *flag, const char *text, int lo, int hi, int *value)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "%s: %s %s: a whole number from %d to %d, please\n", program, flag, text, lo, hi);
        return 0;
    }
    *value = (int)v;
    return 1;
}

static void free_document(document *d)
{
    free(d->text);
    free(d->line);
    free(d->token);
    free(d->token_line);
    free(d->print);
    free(d->print_at);
}

static int load(document *d, int k, int w)
{
    return read_document(d) && tokenise(d) && split_lines(d) && winnow(d, k, w);
}

int main(int argc, char **argv)
{
    int k = 15, w = 8, threshold = 40, top = 10, max_lines = 40;
    int n_docs = 0, n_skel = 0;
    document *docs = calloc((size_t)argc, sizeof *docs), *skel = calloc((size_t)argc, sizeof *skel);
    int status = 2;
    if (!docs || !skel) {
        fprintf(stderr, "%s: out of memory\n", program);
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int need = strcmp(a, "--file") == 0 ? 2 : 1;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            status = 0;
            goto done;
        }
        if (i + need >= argc) {
            fprintf(stderr, "%s: %s needs %s\n", program, a, need == 2 ? "a name and a file" : "a value");
            goto done;
        }
        if (strcmp(a, "--k") == 0) {
            if (!int_arg(a, argv[++i], 2, 1000, &k))
                goto done;
        } else if (strcmp(a, "--window") == 0) {
            if (!int_arg(a, argv[++i], 1, 1000, &w))
                goto done;
        } else if (strcmp(a, "--threshold") == 0) {
            if (!int_arg(a, argv[++i], 0, 100, &threshold))
                goto done;
        } else if (strcmp(a, "--top") == 0) {
            if (!int_arg(a, argv[++i], 1, 1000000, &top))
                goto done;
        } else if (strcmp(a, "--lines") == 0) {
            if (!int_arg(a, argv[++i], 0, 1000000, &max_lines))
                goto done;
        } else if (strcmp(a, "--skeleton") == 0) {
            skel[n_skel].name = "skeleton";
            skel[n_skel++].path = argv[++i];
        } else if (strcmp(a, "--file") == 0) {
            docs[n_docs].name = argv[i + 1];
            docs[n_docs++].path = argv[i + 2];
            i += 2;
        } else {
            fprintf(stderr, "%s: unknown argument '%s' (--help lists them)\n", program, a);
            goto done;
        }
    }
    if (n_docs < 2) {
        fprintf(stderr, "%s: nothing to compare: give at least two --file NAME FILE\n", program);
        usage();
        goto done;
    }
    status = 1;
    /* the skeleton's k-gram hashes, all of them */
    long n_base = 0;
    for (int s = 0; s < n_skel; s++) {
        if (!load(&skel[s], k, 1))   /* a window of 1 keeps every k-gram */
            goto done;
        n_base += skel[s].n_prints;
    }
    uint64_t *base = malloc((size_t)(n_base ? n_base : 1) * sizeof *base);
    if (!base) {
        fprintf(stderr, "%s: out of memory\n", program);
        goto done;
    }
    n_base = 0;
    for (int s = 0; s < n_skel; s++)
        for (long i = 0; i < skel[s].n_prints; i++)
            base[n_base++] = skel[s].print[i];
    qsort(base, (size_t)n_base, sizeof *base, compare_u64);

    uint64_t **sorted = calloc((size_t)n_docs, sizeof *sorted);
    long *n_sorted = calloc((size_t)n_docs, sizeof *n_sorted);
    long n_pairs = (long)n_docs * (n_docs - 1) / 2;
    pair *pairs = malloc((size_t)n_pairs * sizeof *pairs);
    int ok = sorted && n_sorted && pairs;
    for (int d = 0; ok && d < n_docs; d++) {
        ok = load(&docs[d], k, w);
        if (ok) {
            remove_base(&docs[d], base, n_base);
            sorted[d] = malloc((size_t)(docs[d].n_prints ? docs[d].n_prints : 1) * sizeof **sorted);
            ok = sorted[d] != NULL;
            if (ok)
                n_sorted[d] = distinct_prints(&docs[d], sorted[d]);
        }
    }
    if (ok) {
        long p = 0;
        for (int a = 0; a < n_docs; a++)
            for (int b = a + 1; b < n_docs; b++) {
                long shared = count_shared(sorted[a], n_sorted[a], sorted[b], n_sorted[b]);
                long smaller = n_sorted[a] < n_sorted[b] ? n_sorted[a] : n_sorted[b];
                pairs[p++] = (pair){ a, b, shared, smaller ? 100.0 * (double)shared / (double)smaller : 0.0 };
            }
        qsort(pairs, (size_t)n_pairs, sizeof *pairs, by_shared);
        printf("%d files; k = %d tokens, window %d (every shared run of %d tokens is found); "
               "%ld skeleton k-grams ignored\n",
               n_docs, k, w, k + w - 1, n_base);
        int listed = 0;
        for (long i = 0; i < n_pairs && listed < top; i++) {
            const pair *q = &pairs[i];
            if (q->share < threshold || q->shared == 0)
                break;
            listed++;
            printf("\n%s and %s: %ld fingerprints shared, %.0f%% of the smaller file's (%s %ld, %s %ld)\n",
                   docs[q->a].name, docs[q->b].name, q->shared, q->share, docs[q->a].name, n_sorted[q->a],
                   docs[q->b].name, n_sorted[q->b]);
            printf("    %5s  %-44s | %5s  %s\n", "line", docs[q->a].path, "line", docs[q->b].path);
            print_shared_lines(&docs[q->a], &docs[q->b], k, max_lines);
        }
        long above = 0;
        for (long i = 0; i < n_pairs; i++)
            above += pairs[i].share >= threshold && pairs[i].shared > 0;
        if (listed == 0)
            printf("no pair shares %d%% or more of its fingerprints\n", threshold);
        else if (above > listed)
            printf("\n%ld pairs at %d%% or more; the first %d listed (--top to see more)\n", above, threshold, listed);
        else
            printf("\n%d pair%s at %d%% or more\n", listed, listed == 1 ? "" : "s", threshold);
        status = 0;
    } else {
        fprintf(stderr, "%s: could not read every file (see above)\n", program);
    }
    for (int d = 0; sorted && d < n_docs; d++)
        free(sorted[d]);
    free(sorted);
    free(n_sorted);
    free(pairs);
    free(base);
done:
    for (int d = 0; docs && d < n_docs; d++)
        free_document(&docs[d]);
    for (int s = 0; skel && s < n_skel; s++)
        free_document(&skel[s]);
    free(docs);
    free(skel);
    return status;
}
