#!/bin/sh
# tests/strip_reference.sh FILE...: print each checks file without its
# reference code, the lines from "#ifdef EXERCISE_REFERENCE" to their
# "#endif" (make handout: the students' copy has only the stored expected
# values, tests/expected/). An unclosed block is an error (exit 1).
# POSIX awk: runs under mawk, busybox and macOS awk.
for f in "$@"; do
    awk -v file="$f" '
        /^[ \t]*#[ \t]*ifdef[ \t]+EXERCISE_REFERENCE[ \t]*$/ && depth == 0 { depth = 1; next }
        depth > 0 && /^[ \t]*#[ \t]*if/ { depth++; next }
        depth > 0 && /^[ \t]*#[ \t]*endif/ { depth--; next }
        depth > 0 { next }
        { print }
        END { if (depth > 0) { print file ": #ifdef EXERCISE_REFERENCE without its #endif" > "/dev/stderr"; exit 1 } }
    ' "$f" || exit 1
done
