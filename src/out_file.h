/* out_file.h: writing an output file without ever destroying what was there.
 *
 * Every file a program of this project writes (a model, the training
 * history, plot data, a PGM image) goes through these functions:
 *
 *   out_file o;
 *   if (out_file_open(&o, path, err, sizeof err) != 0) ...          (err names path)
 *   out_file_printf(&o, "%d,%f\n", epoch, loss);                     (each write checked)
 *   if (out_file_commit(&o, err, sizeof err) != 0) ...               (flush, sync, rename)
 *
 * The rule (as in git, editors and databases): the data go to a temporary
 * file beside the target (same directory, so the rename cannot cross disks),
 * named TARGET.tmp-PID-N. Only when every byte is written, flushed to the
 * system (fflush), pushed to the disk (fsync) and the file closed without
 * an error is it renamed onto the target, which replaces the old file in
 * one step. A full disk, a file-size limit, a crash or a kill halfway
 * through leaves the old file as it was; on an error the temporary file is
 * removed, never the target. A temporary file that a killed save left
 * behind (its process is gone) is removed by the next save of the same
 * target.
 *
 * A target that exists and is not a regular file (a device such as
 * /dev/null, a FIFO, a socket) cannot be replaced by a rename, and must not
 * be: it is opened and written in place, and never removed, even when a
 * write fails.
 *
 * Errors are one line naming the target and keeping the system's reason
 * (errno), e.g. "model.bin: cannot write: No space left on device". */
#ifndef OUT_FILE_H
#define OUT_FILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *f;            /* the open file: write with out_file_write / out_file_printf */
    const char *path;   /* the target (the caller's string: keep it alive until commit) */
    char *temp;         /* the temporary file beside it, or NULL when writing in place */
    int failed;         /* a write has failed */
    int error;          /* errno of the first failed write (0: unknown) */
} out_file;

/* Could path be written? Checks, and creates nothing: path is not a
 * directory, and (for a regular file or a new one) its directory exists and
 * takes new files. For a program to call before hours of work whose result
 * goes to path. Returns 0, or -1 with one line in err naming path. */
int out_file_check(const char *path, char *err, size_t err_size);

/* Start writing path: opens the temporary file beside it (or path itself
 * when it is a device or a FIFO). Returns 0, or -1 with one line in err
 * naming path (nothing is left behind). */
int out_file_open(out_file *o, const char *path, char *err, size_t err_size);

/* Write n bytes / formatted text. Returns 0, or -1 when the write failed
 * (the first failure's errno is kept for out_file_commit's message; later
 * writes are skipped). */
int out_file_write(out_file *o, const void *bytes, size_t n);
int out_file_printf(out_file *o, const char *format, ...);

/* Finish: flush, fsync, close, and rename the temporary file onto the
 * target. Returns 0, or -1 with one line in err (the target is untouched:
 * the old file is still there, a device is still there; the temporary file
 * is removed). Either way o is closed afterwards. */
int out_file_commit(out_file *o, char *err, size_t err_size);

/* The whole file at once: open, write the n bytes, commit. Returns 0, or
 * -1 with one line in err (the old file untouched, as above). */
int out_file_write_whole(const char *path, const void *bytes, size_t n, char *err, size_t err_size);

/* Give up: close and remove the temporary file (the target is untouched).
 * Harmless on an out_file that failed to open or is already closed. */
void out_file_abandon(out_file *o);

/* Make the program exit with status 1 and one line on stderr when its
 * standard output could not be written (a full disk, a closed pipe's
 * error), checked when the program exits: fflush and fclose of stdout. Also
 * makes a write past the file-size limit an error instead of a kill (see
 * os_write_errors_not_signals). Call once at the start of main; program is
 * the name for the message. */
void out_file_check_stdout_at_exit(const char *program);

#endif
