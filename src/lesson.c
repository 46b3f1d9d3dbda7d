/* lesson.c: see lesson.h. */
#include "lesson.h"

#include <string.h>

#include "flags.h"
#include "out_file.h"

static int stepping;                 /* --step given */
static const char *plot_data_path;   /* --plot-data FILE */
static int quick;                    /* --quick given */

void lesson_start(int argc, char **argv, const char *title, int accepts)
{
    out_file_check_stdout_at_exit(argv[0]);   /* a full disk on stdout: exit 1, not 0 */
    flag_spec specs[3];
    int n = 0;
    specs[n++] = (flag_spec)FLAG_SWITCH("--step", &stepping, "pause before each step until Enter is pressed");
    if (accepts & LESSON_QUICK)
        specs[n++] = (flag_spec)FLAG_SWITCH("--quick", &quick, "small sizes and short timings (a second or less)");
    if (accepts & LESSON_PLOT_DATA)
        specs[n++] = (flag_spec)FLAG_TEXT("--plot-data", &plot_data_path, "FILE",
                                          "also write the table as columns gnuplot can plot");
    char usage[256];
    const char *slash = strrchr(argv[0], '/');
    const char *program = slash ? slash + 1 : argv[0];
    snprintf(usage, sizeof usage, "%s [--step]%s%s", program, accepts & LESSON_QUICK ? " [--quick]" : "",
             accepts & LESSON_PLOT_DATA ? " [--plot-data FILE]" : "");
    flag_set set = { program, usage, specs, n, 0 };
    flags_parse_or_exit(&set, argc, argv, NULL, NULL);
    printf("%s\n", title);
    for (size_t i = 0; i < strlen(title); i++)
        putchar('=');
    putchar('\n');
}

void lesson_set_stepping(int on)
{
    stepping = on;
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
