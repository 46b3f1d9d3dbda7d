/* lesson.c: see lesson.h. */
#include "lesson.h"

#include <stdlib.h>
#include <string.h>

#include "out_file.h"

static int stepping;                 /* --step given */
static const char *plot_data_path;   /* --plot-data FILE */
static int quick;                    /* --quick given */

static void usage(FILE *out, const char *program, int accepts)
{
    fprintf(out, "usage: %s [--step]%s%s\n", program, accepts & LESSON_QUICK ? " [--quick]" : "",
            accepts & LESSON_PLOT_DATA ? " [--plot-data FILE]" : "");
    fprintf(out, "  --step             pause before each step until Enter is pressed\n");
    if (accepts & LESSON_QUICK)
        fprintf(out, "  --quick            small sizes and short timings (a second or less)\n");
    if (accepts & LESSON_PLOT_DATA)
        fprintf(out, "  --plot-data FILE   also write the table as columns gnuplot can plot\n");
}

void lesson_start(int argc, char **argv, const char *title, int accepts)
{
    out_file_check_stdout_at_exit(argv[0]);   /* a full disk on stdout: exit 1, not 0 */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--step") == 0) {
            stepping = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout, argv[0], accepts);
            exit(0);
        } else if ((accepts & LESSON_QUICK) && strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if ((accepts & LESSON_PLOT_DATA) && strcmp(argv[i], "--plot-data") == 0 && i + 1 < argc) {
            plot_data_path = argv[++i];
        } else {
            fprintf(stderr, "%s: unknown option '%s' (try --help)\n", argv[0], argv[i]);
            exit(2);
        }
    }
    printf("%s\n", title);
    for (size_t i = 0; i < strlen(title); i++)
        putchar('=');
    putchar('\n');
}

void lesson_step(int n, const char *heading)
{
    if (stepping) {
        printf("\n[press Enter for step %d]", n);
        fflush(stdout);
        int c;
        while ((c = getchar()) != '\n' && c != EOF)
            ;
    }
    printf("\nStep %d. %s\n", n, heading);
}

const char *lesson_plot_data_path(void)
{
    return plot_data_path;
}

int lesson_quick(void)
{
    return quick;
}
