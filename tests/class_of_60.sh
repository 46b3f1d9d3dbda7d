#!/bin/sh
# tests/class_of_60.sh DIR [N]: a made-up class of N students (default 60) for
# timing make grade (notes/INSTRUCTORS.md, "How long it takes"), in
# DIR/studentNN/exercises/. Student i hands in, for exercise n, by
# (7i + n) mod 8:
#   0 to 3  the solution (passed)
#   4       the untouched skeleton (a stub: failed)
#   5       the solution with its first "+=" outside a comment turned into
#           "-=" (a slip: failed, some tasks may pass)
#   6       the solution with a syntax error appended (did not compile)
#   7       nothing (missing)
# and on top of that, students 05, 25, 45 have an endless loop in exercise 01
# (timed out), students 04, 24, 44 write through a null pointer at the start
# of exercise 03's first function (crashed). Any N makes every kind of
# submission above, for N >= 5. Needs solutions/ (the instructor's copy).
#   sh tests/class_of_60.sh build/class60 && time make grade DIR=build/class60
out=$1
count=${2:-60}
[ -n "$out" ] || { echo "usage: sh tests/class_of_60.sh DIR [N]"; exit 2; }
case $count in '' | *[!0-9]* | 0) echo "tests/class_of_60.sh: N=$count: a number of students, please"; exit 2 ;; esac
[ -f solutions/01_convolution.c ] || { echo "tests/class_of_60.sh: no solutions/ here"; exit 2; }
rm -rf "$out" && mkdir -p "$out" || exit 1
i=1
while [ $i -le "$count" ]; do
    s=$(printf 'student%02d' $i)
    mkdir -p "$out/$s/exercises" || exit 1
    for f in solutions/[0-9][0-9]_*.c; do
        b=$(basename "$f")
        n=${b%%_*}
        n=${n#0}
        to="$out/$s/exercises/$b"
        case $(((i * 7 + n) % 8)) in
            0 | 1 | 2 | 3) cp "$f" "$to" ;;
            4) cp "exercises/$b" "$to" ;;
            5) awk '!done && !/^[ \t]*(\*|\/\*|\/\/)/ && sub(/\+=/, "-=") { done = 1 } { print }' "$f" > "$to" ;;
            6) { cat "$f"; echo "int handed_in_broken = ;"; } > "$to" ;;
        esac || exit 1
    done
    case $((i % 20)) in
        4) awk '!done && /^\{/ { print; print "    { int *volatile nowhere = 0; *nowhere = 1; }"; done = 1; next } { print }' \
               solutions/03_*.c > "$out/$s/exercises/$(basename solutions/03_*.c)" || exit 1 ;;
        5) sed 's/    double sum = 0;/    double sum = 0; for (volatile int spin = 1; spin; ) ;/' solutions/01_convolution.c \
               > "$out/$s/exercises/01_convolution.c" || exit 1 ;;
    esac
    i=$((i + 1))
done
echo "$out: $count students"
