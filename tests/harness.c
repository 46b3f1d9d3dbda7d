/* tests/harness.c: see harness.h. */
#include "harness.h"

#include "os.h"
#include "tensor.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tests_passed, tests_failed;
static int failures_in_current_test;
static const char *current_test = "(no test)";

void harness_check(int ok, const char *what, const char *file, int line)
{
    if (!ok) {
        printf("FAIL %s:%d: %s: %s\n", file, line, current_test, what);
        failures_in_current_test++;
    }
}

void harness_check_near(double actual, double expected, double tol, const char *what,
                        const char *file, int line)
{
    if (!(fabs(actual - expected) <= tol)) {   /* written so that NaN fails */
        printf("FAIL %s:%d: %s: %s is %.10g, expected %.10g (tolerance %g)\n",
               file, line, current_test, what, actual, expected, tol);
        failures_in_current_test++;
    }
}

void harness_check_int(long actual, long expected, const char *what, const char *file, int line)
{
    if (actual != expected) {
        printf("FAIL %s:%d: %s: %s is %ld, expected %ld\n", file, line, current_test, what, actual, expected);
        failures_in_current_test++;
    }
}

void harness_check_contains(const char *text, const char *needle, const char *file, int line)
{
    if (text == NULL || strstr(text, needle) == NULL) {
        printf("FAIL %s:%d: %s: output does not contain \"%s\"\n", file, line, current_test, needle);
        failures_in_current_test++;
    }
}

void harness_check_grad(const gradcheck_result *r, const char *file, int line)
{
    if (!(r->max_rel_error <= GRADCHECK_GOOD)) {
        printf("FAIL %s:%d: %s: gradient check:\n", file, line, current_test);
        gradcheck_print(stdout, r);
        failures_in_current_test++;
    }
}

void harness_run(const char *name, void (*test)(void))
{
    current_test = name;
    failures_in_current_test = 0;
    test();
    if (failures_in_current_test == 0) {
        tests_passed++;
        printf("ok   %s\n", name);
    } else {
        tests_failed++;
        printf("FAIL %s (%d failed checks)\n", name, failures_in_current_test);
    }
    fflush(stdout);
}

int harness_finish(void)
{
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed == 0 ? 0 : 1;
}

const char *build_dir(void)
{
    const char *d = getenv("BUILD_DIR");
    return (d && d[0]) ? d : "build";
}

char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* ---------------------------------------------------------------- programs built for another machine
 *
 * A cross build (aarch64 programs on an x86-64 machine, Windows programs on
 * Linux) runs its programs through an emulator named by the environment
 * variable EMULATOR, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu". The test
 * programs themselves are started through it by tests/run.sh; the programs a
 * test starts (a lesson, build/predict, a freshly compiled check) are started
 * through it here: every command word of the line that names a program by a
 * path (it contains a '/') gets EMULATOR in front of it, unless it is a
 * script ("#!" in its first bytes) or a system program (/bin, /usr, /sbin).
 * A command word is the first word of the line, or the first after ; && ||
 * | ( ! $( or after variable assignments (X=1 prog), a time limit (timeout
 * 20 prog, sh tests/time_limit.sh 20 prog) or ulimit's ";". Words are split
 * at blanks outside quotes. Without EMULATOR the line is run as it is. */

/* The word names a script or a system program: run it as it is. */
static int runs_natively(const char *word)
{
    if (strncmp(word, "/bin/", 5) == 0 || strncmp(word, "/usr/", 5) == 0 || strncmp(word, "/sbin/", 6) == 0)
        return 1;
    FILE *f = fopen(word, "rb");
    if (f == NULL)
        return 0;                            /* not built yet: the line builds it, then runs it */
    char magic[2] = { 0, 0 };
    size_t got = fread(magic, 1, 2, f);
    fclose(f);
    return got == 2 && magic[0] == '#' && magic[1] == '!';
}

static int is_assignment(const char *word)
{
    if (!(isalpha((unsigned char)word[0]) || word[0] == '_'))
        return 0;
    while (isalnum((unsigned char)*word) || *word == '_')
        word++;
    return *word == '=';
}

static int is_number(const char *word)
{
    if (!*word)
        return 0;
    for (; *word; word++)
        if (!isdigit((unsigned char)*word) && *word != '.')
            return 0;
    return 1;
}

static int ends_with(const char *word, const char *tail)
{
    size_t n = strlen(word), t = strlen(tail);
    return n >= t && strcmp(word + n - t, tail) == 0;
}

/* command_line with EMULATOR in front of each program of ours (a new string), or a copy. */
static char *with_emulator(const char *command_line)
{
    const char *emulator = getenv("EMULATOR");
    size_t n = strlen(command_line), e = emulator ? strlen(emulator) : 0;
    char *out = malloc(n + 1 + (n / 2 + 1) * (e + 1)), *word = malloc(n + 1);
    if (out == NULL || word == NULL) {
        free(out);
        free(word);
        return NULL;
    }
    size_t o = 0;
    int command_word = 1, after_limit = 0;
    for (const char *c = command_line; *c;) {
        if (isspace((unsigned char)*c)) {
            out[o++] = *c++;
            continue;
        }
        const char *start = c;                   /* one word: up to a blank outside quotes */
        size_t w = 0;
        char quote = 0;
        for (; *c && (quote || !isspace((unsigned char)*c)); c++) {
            if (quote && *c == quote)
                quote = 0;
            else if (!quote && (*c == '\'' || *c == '"'))
                quote = *c;
            else
                word[w++] = *c;
        }
        word[w] = '\0';
        int separator = !strcmp(word, ";") || !strcmp(word, "&&") || !strcmp(word, "||") || !strcmp(word, "|") ||
                        !strcmp(word, "(") || !strcmp(word, "!");
        if (command_word && !separator && e > 0 && !is_assignment(word) && !(after_limit && is_number(word)) &&
            strchr(word, '/') != NULL && !runs_natively(word)) {
            memcpy(out + o, emulator, e);
            o += e;
            out[o++] = ' ';
        }
        memcpy(out + o, start, (size_t)(c - start));
        o += (size_t)(c - start);
        int limit = !strcmp(word, "timeout") || ends_with(word, "time_limit.sh");
        char last = c[-1];                               /* ; & | ) glued to a word, outside quotes */
        int ends_command = last == ';' || last == '&' || last == '|';
        const char *substitution = strstr(word, "$(");   /* b=$(cd x && pwd): cd is the command */
        while (substitution && strstr(substitution + 2, "$("))
            substitution = strstr(substitution + 2, "$(");
        if (substitution && last != ')' && !ends_command)
            command_word = substitution[2] == '\0';
        else if (separator || limit || ends_command)
            command_word = 1;
        else if (!(command_word && (is_assignment(word) || (after_limit && is_number(word)))))
            command_word = 0;
        after_limit = limit;             /* the next word may be its number of seconds */
    }
    out[o] = '\0';
    free(word);
    return out;
}

program_result run_program(const char *command_line)
{
    static int counter;
    char out_path[512], err_path[512], code_path[512];
    const char *dir = build_dir();
    counter++;
    unsigned long pid = os_process_id();       /* test programs run side by side: names of their own */
    snprintf(out_path, sizeof out_path, "%s/tmp/run%lu-%d.out", dir, pid, counter);
    snprintf(err_path, sizeof err_path, "%s/tmp/run%lu-%d.err", dir, pid, counter);
    snprintf(code_path, sizeof code_path, "%s/tmp/run%lu-%d.code", dir, pid, counter);
    program_result r = { NULL, NULL, -1 };
    char *line = with_emulator(command_line);
    if (!line)
        return r;
    size_t need = strlen(line) + 3 * 512 + 64;
    char *shell = malloc(need);
    if (!shell) {
        free(line);
        return r;
    }
    /* The command line runs in a subshell, so that the redirections apply to all of it
     * (a "cd x && y" inside would otherwise move the relative output paths). */
    snprintf(shell, need, "mkdir -p '%s/tmp'; ( %s ) > '%s' 2> '%s' < /dev/null; echo $? > '%s'",
             dir, line, out_path, err_path, code_path);
    if (system(shell) == -1)
        fprintf(stderr, "run_program: could not start a shell\n");
    free(shell);
    free(line);
    r.out = read_text_file(out_path);
    r.err = read_text_file(err_path);
    char *code = read_text_file(code_path);
    r.exit_code = code ? atoi(code) : -1;
    free(code);
    if (!r.out)
        r.out = calloc(1, 1);
    if (!r.err)
        r.err = calloc(1, 1);
    remove(out_path);
    remove(err_path);
    remove(code_path);
    return r;
}

void program_result_free(program_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

int count_lines_containing(const char *text, const char *needle)
{
    int count = 0;
    const char *line = text;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *hit = strstr(line, needle);
        if (hit && (size_t)(hit - line) < len)
            count++;
        line = end ? end + 1 : NULL;
    }
    return count;
}

static char scratch_dir[512];   /* make_tmp_dir's directory */

const char *make_tmp_dir(const char *test_name)
{
    snprintf(scratch_dir, sizeof scratch_dir, "%s/tmp/%s", build_dir(), test_name);
    char path[sizeof scratch_dir];
    for (size_t i = 1; scratch_dir[i - 1] != '\0'; i++)        /* mkdir -p, without a shell (for Windows) */
        if (scratch_dir[i] == '/' || scratch_dir[i] == '\0') {
            memcpy(path, scratch_dir, i);
            path[i] = '\0';
            (void)os_make_dir(path);                           /* EEXIST is fine; a real failure shows later */
        }
    return scratch_dir;
}

const char *tmp_path(const char *name)
{
    static char path[8][1024];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof path[0], "%s/%s", scratch_dir, name);
    return p;
}

void write_test_file(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        printf("cannot create %s\n", path);
        exit(1);
    }
    if (n > 0 && fwrite(bytes, 1, n, f) != n) {
        printf("cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

int line_ends_with(const char *text, const char *needle, const char *suffix)
{
    const char *at = strstr(text, needle);
    if (!at)
        return 0;
    const char *end = strchr(at, '\n');
    size_t len = end ? (size_t)(end - at) : strlen(at), n = strlen(suffix);
    return len >= n && strncmp(at + len - n, suffix, n) == 0;
}

program_result run_lesson(const char *name, const char *args)
{
    char cmd[2560];
    snprintf(cmd, sizeof cmd, "%s/lessons/%s %s", build_dir(), name, args);
    return run_program(cmd);
}

void harness_check_unknown_flag(const char *lesson, const char *file, int line)
{
    program_result r = run_lesson(lesson, "--bogus");
    harness_check_int(r.exit_code, 2, "exit status for --bogus", file, line);
    harness_check_contains(r.err, "unknown option '--bogus'", file, line);
    program_result_free(&r);
}

int gradcheck_lines_all_good(const char *text)
{
    int lines = 0, all_good = 1;
    const char *line = text;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *hit = strstr(line, "max rel error");
        if (hit && (size_t)(hit - line) < len) {
            lines++;
            all_good = all_good && len >= 6 && strncmp(line + len - 6, "  good", 6) == 0;
        }
        line = end ? end + 1 : NULL;
    }
    return all_good ? lines : -1;
}

int shell_ok(const char *command_line)
{
    program_result r = run_program(command_line);
    int ok = r.exit_code == 0;
    program_result_free(&r);
    return ok;
}

const char *make_full_device(const char *dir)
{
    static char path[1024];
    char cmd[4096];
    snprintf(path, sizeof path, "%s/full", dir);
    snprintf(cmd, sizeof cmd, "rm -f '%s' && [ \"$(uname -s)\" = Linux ] && mknod '%s' c 1 7 && ! echo x > '%s'",
             path, path, path);
    if (!shell_ok(cmd)) {
        printf("  skipped: cannot make a full-disk device with mknod here (not root, or not Linux)\n");
        return NULL;
    }
    return path;
}

int is_char_device(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "test -c '%s'", path);
    return shell_ok(cmd);
}

/* ---------------------------------------------------------------- a synthetic MNIST */

#define SYNTH_SIDE 28

static void put_big_endian(unsigned char *b, unsigned long v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

static void draw_synthetic_digit(unsigned char *pixels, int c, unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    int dy = (int)(*state >> 16) % 3, dx = (int)(*state >> 20) % 3;
    int top = 2 + (c / 5) * 12 + dy, left = 1 + (c % 5) * 5 + dx;
    for (int p = 0; p < SYNTH_SIDE * SYNTH_SIDE; p++) {
        int y = p / SYNTH_SIDE, x = p % SYNTH_SIDE;
        *state = *state * 1103515245u + 12345u;
        int inside = y >= top && y < top + 6 && x >= left && x < left + 6;
        pixels[p] = (unsigned char)(inside ? 180 + (*state >> 16) % 76 : (*state >> 16) % 40);
    }
}

/* The IDX image file (16-byte header) and label file (8) of `count` digits. */
static void write_synthetic_set(const char *dir, const char *images_name, const char *labels_name, int count,
                                unsigned seed)
{
    size_t pixels = SYNTH_SIDE * SYNTH_SIDE, image_bytes = 16 + (size_t)count * pixels, label_bytes = 8 + (size_t)count;
    unsigned char *images = calloc(image_bytes, 1), *labels = calloc(label_bytes, 1);
    char path[2048];
    if (!images || !labels) {
        printf("out of memory\n");
        exit(1);
    }
    put_big_endian(images, 0x803);
    put_big_endian(images + 4, (unsigned long)count);
    put_big_endian(images + 8, SYNTH_SIDE);
    put_big_endian(images + 12, SYNTH_SIDE);
    put_big_endian(labels, 0x801);
    put_big_endian(labels + 4, (unsigned long)count);
    for (int i = 0; i < count; i++) {
        labels[8 + i] = (unsigned char)(i % 10);
        draw_synthetic_digit(images + 16 + (size_t)i * pixels, i % 10, &seed);
    }
    snprintf(path, sizeof path, "%s/%s", dir, images_name);
    write_test_file(path, images, image_bytes);
    snprintf(path, sizeof path, "%s/%s", dir, labels_name);
    write_test_file(path, labels, label_bytes);
    free(images);
    free(labels);
}

void check_one_line_failure(const program_result *r, int code, const char *needle, const char *what)
{
    int lines = 0;
    for (const char *c = r->err; *c; c++)
        lines += *c == '\n';
    if (r->exit_code != code || lines != 1 || !strstr(r->err, needle))
        printf("  case: %s\n  exit %d, stderr: %s", what, r->exit_code, r->err);
    CHECK_INT(r->exit_code, code);
    CHECK_INT(lines, 1);
    CHECK_CONTAINS(r->err, needle);
}

void write_synthetic_mnist(const char *dir, int n_train, int n_test)
{
    write_synthetic_set(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", n_train, 1);
    write_synthetic_set(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", n_test, 2);
}

real *random_tensor(rng_t *rng, long n)
{
    real *t = tensor_alloc((size_t)(n > 0 ? n : 1), "test tensor");
    rng_fill_normal(rng, t, n);
    return t;
}

void check_plot_data_write_errors(const char *lesson, const char *tmp_name)
{
    const char *dir = make_tmp_dir(tmp_name);
    char args[1200];
    const char *full = make_full_device(dir);
    if (full) {
        snprintf(args, sizeof args, "--plot-data '%s'", full);
        program_result r = run_lesson(lesson, args);
        CHECK_INT(r.exit_code, 1);
        CHECK_CONTAINS(r.err, full);
        CHECK_CONTAINS(r.err, "No space left on device");
        CHECK(strstr(r.out, full) == NULL);            /* no "written to" line */
        CHECK(is_char_device(full));
        program_result_free(&r);
        remove(full);
    }
    const char *missing = tmp_path("no-such-dir/plot.dat");
    snprintf(args, sizeof args, "--plot-data '%s'", missing);
    program_result r = run_lesson(lesson, args);
    CHECK_INT(r.exit_code, 1);
    CHECK_CONTAINS(r.err, missing);
    program_result_free(&r);
}

/* ---------------------------------------------------------------- numbers in what a program printed */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* "nan" or "inf" as a word at c (not inside "nanny" or "info"). */
static int is_nan_or_inf_at(const char *start, const char *c)
{
    return (strncmp(c, "nan", 3) == 0 || strncmp(c, "inf", 3) == 0) && !(c > start && is_letter(c[-1]))
        && !is_letter(c[3]);
}

/* Where a number starts at c: a digit, ".5", or a sign right before one of them. */
static int number_starts_at(const char *start, const char *c)
{
    if (*c == '-' || *c == '+')
        c++;
    return is_digit(c[0]) || (c[0] == '.' && is_digit(c[1])) || is_nan_or_inf_at(start, c);
}

/* The first number at or after from into *value: 1, and *end just past it;
 * or 0 when there is none (*end at the end of the text). */
static int scan_number(const char *from, const char **end, double *value)
{
    const char *c = from;
    while (*c && !number_starts_at(from, c))
        c++;
    *end = c;
    if (!*c)
        return 0;
    char digits[128];
    size_t n = 0;
    int negative = *c == '-';
    if (*c == '-' || *c == '+')
        digits[n++] = *c++;
    if (is_nan_or_inf_at(from, c)) {
        double v = c[0] == 'n' ? NAN : INFINITY;
        *value = negative ? -v : v;
        *end = c + 3;
        return 1;
    }
    while (n < sizeof digits - 8) {
        if (is_digit(*c))
            digits[n++] = *c++;
        else if (*c == ',' && n > 0 && is_digit(c[-1]) && is_digit(c[1]) && is_digit(c[2]) && is_digit(c[3])
                 && !is_digit(c[4]))
            c++;                                    /* a thousands comma: 1,134,426 */
        else
            break;
    }
    if (*c == '.' && is_digit(c[1])) {
        digits[n++] = *c++;
        while (is_digit(*c) && n < sizeof digits - 8)
            digits[n++] = *c++;
    }
    if ((*c == 'e' || *c == 'E') && (is_digit(c[1]) || ((c[1] == '-' || c[1] == '+') && is_digit(c[2])))) {
        digits[n++] = *c++;
        if (*c == '-' || *c == '+')
            digits[n++] = *c++;
        while (is_digit(*c) && n < sizeof digits - 1)
            digits[n++] = *c++;
    }
    digits[n] = '\0';
    *end = c;
    *value = strtod(digits, NULL);
    return 1;
}

double next_number(const char *from, const char **end)
{
    const char *after = from;
    double value = NAN;
    if (from && !scan_number(from, &after, &value))
        value = NAN;
    if (end)
        *end = after;
    return value;
}

const char *text_from(const char *text, const char *label)
{
    const char *at = text ? strstr(text, label) : NULL;
    return at ? at : "";
}

double number_after(const char *text, const char *label)
{
    const char *at = text ? strstr(text, label) : NULL;
    return at ? next_number(at + strlen(label), NULL) : NAN;
}

int numbers_after(const char *text, const char *label, double *out, int n)
{
    const char *at = text ? strstr(text, label) : NULL;
    int got = 0;
    if (!at)
        return 0;
    at += strlen(label);
    while (got < n && scan_number(at, &at, &out[got]))
        got++;
    return got;
}

void harness_check_number(const char *text, const char *label, double expected, double tol, const char *file,
                          int line)
{
    if (!text || !strstr(text, label)) {
        printf("FAIL %s:%d: %s: no \"%s\" in the output\n", file, line, current_test, label);
        failures_in_current_test++;
        return;
    }
    double actual = number_after(text, label);
    if (!(fabs(actual - expected) <= tol)) {   /* written so that NaN fails */
        printf("FAIL %s:%d: %s: the number after \"%s\" is %.10g, expected %.10g (tolerance %g)\n", file, line,
               current_test, label, actual, expected, tol);
        failures_in_current_test++;
    }
}

void harness_check_numbers(const char *text, const char *label, const double *expected, int n, double tol,
                           const char *file, int line)
{
    double actual[256];
    if (n > 256) {
        printf("FAIL %s:%d: %s: CHECK_NUMBERS reads at most 256 numbers, not %d\n", file, line, current_test, n);
        failures_in_current_test++;
        return;
    }
    int got = numbers_after(text, label, actual, n);
    if (got < n) {
        printf("FAIL %s:%d: %s: %d numbers after \"%s\", expected %d\n", file, line, current_test, got, label, n);
        failures_in_current_test++;
        return;
    }
    for (int i = 0; i < n; i++)
        if (!(fabs(actual[i] - expected[i]) <= tol)) {
            printf("FAIL %s:%d: %s: number %d after \"%s\" is %.10g, expected %.10g (tolerance %g)\n", file, line,
                   current_test, i + 1, label, actual[i], expected[i], tol);
            failures_in_current_test++;
            return;
        }
}

/* ---------------------------------------------------------------- lessons 10 and 12's parsers */

void line_with(const char *text, const char *needle, char *out, size_t size)
{
    const char *at = text ? strstr(text, needle) : NULL;
    out[0] = '\0';
    if (!at)
        return;
    while (at > text && at[-1] != '\n')
        at--;
    size_t len = strcspn(at, "\n");
    len = len < size - 1 ? len : size - 1;
    memcpy(out, at, len);
    out[len] = '\0';
}

void line_starting(const char *text, const char *needle, char *out, size_t size)
{
    const char *at = text ? strstr(text, needle) : NULL;
    out[0] = '\0';
    if (!at)
        return;
    size_t len = strcspn(at, "\n");
    len = len < size - 1 ? len : size - 1;
    memcpy(out, at, len);
    out[len] = '\0';
}

int integers_in(const char *text, const char *end, long *out, int max)
{
    int n = 0;
    for (const char *c = text; c < end && *c && n < max; c++) {
        if (*c < '0' || *c > '9')
            continue;
        long v = 0;
        for (; c < end && ((*c >= '0' && *c <= '9') || (*c == ',' && c[1] >= '0' && c[1] <= '9')); c++)
            if (*c != ',')
                v = 10 * v + (*c - '0');
        out[n++] = v;
    }
    return n;
}

int reals_in(const char *text, const char *end, double *out, int max)
{
    int n = 0;
    for (const char *c = text; c < end && *c && n < max; c++) {
        if (!(*c >= '0' && *c <= '9') && !((*c == '-' || *c == '+') && c[1] >= '0' && c[1] <= '9'))
            continue;
        char *after;
        out[n++] = strtod(c, &after);
        c = after - 1;
    }
    return n;
}

const char *end_of_lines(const char *text, int k)
{
    const char *at = text;
    for (int i = 0; i < k && at && *at; i++) {
        const char *nl = strchr(at, '\n');
        at = nl ? nl + (i + 1 < k) : at + strlen(at);
    }
    return at;
}
