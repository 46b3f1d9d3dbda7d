#!/bin/sh
# tests/class_of_60.sh DIR: a made-up class of 60 for timing make grade
# (notes/INSTRUCTORS.md, "How long it takes"). Student i hands in, for
# exercise n, the solution when (7i + n) mod 5 is 0, 1 or 2, the untouched
# skeleton when it is 3, and nothing when it is 4, in DIR/studentNN/exercises/;
# students 05, 25 and 45 have an endless loop in exercise 01. Needs solutions/.
#   sh tests/class_of_60.sh build/class60 && time make grade DIR=build/class60
out=$1
[ -n "$out" ] || { echo "usage: sh tests/class_of_60.sh DIR"; exit 2; }
[ -f solutions/01_convolution.c ] || { echo "tests/class_of_60.sh: no solutions/ here"; exit 2; }
rm -rf "$out" && mkdir -p "$out" || exit 1
i=1
while [ $i -le 60 ]; do
    s=$(printf 'student%02d' $i)
    mkdir -p "$out/$s/exercises" || exit 1
    for f in solutions/[0-9][0-9]_*.c; do
        b=$(basename "$f")
        n=${b%%_*}
        n=${n#0}
        case $(((i * 7 + n) % 5)) in
            0 | 1 | 2) cp "$f" "$out/$s/exercises/$b" ;;
            3) cp "exercises/$b" "$out/$s/exercises/$b" ;;
        esac
    done
    i=$((i + 1))
done
for s in student05 student25 student45; do
    sed 's/    double sum = 0;/    double sum = 0; for (volatile int spin = 1; spin; ) ;/' solutions/01_convolution.c \
        > "$out/$s/exercises/01_convolution.c" || exit 1
done
echo "$out: 60 students"
