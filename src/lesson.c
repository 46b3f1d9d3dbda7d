/* lesson.c: see lesson.h. */
#include "lesson.h"

#include <string.h>

#include "flags.h"

static int stepping;                 /* --step given */
static const char *plot_data_path;   /* --plot-data FILE */

void lesson_start(int argc, char **argv, const char *title, int allow_plot_data)
{
    const flag_spec specs[] = {
        FLAG_SWITCH("--step", &stepping, "pause before each step until Enter is pressed"),
        FLAG_TEXT("--plot-data", &plot_data_path, "FILE", "also write the table as columns gnuplot can plot"),
    };
    char usage[256];
    const char *slash = strrchr(argv[0], '/');
    const char *program = slash ? slash + 1 : argv[0];
    snprintf(usage, sizeof usage, "%s [--step]%s", program, allow_plot_data ? " [--plot-data FILE]" : "");
    flag_set set = { program, usage, specs, allow_plot_data ? 2 : 1, 0 };
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
