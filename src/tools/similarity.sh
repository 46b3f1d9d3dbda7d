#!/bin/sh
# src/tools/similarity.sh DIR: make similarity DIR=submissions [EX=05,06] [ARGS="--threshold 30"].
# For each exercise, every student's copy of it (the file make grade grades:
# tests/student_files.sh) is compared with every
# other by build/similarity (winnowing; src/tools/similarity.c), the
# skeleton's code ignored. Pairs that share the most are listed with their
# shared lines side by side. POSIX sh.
dir=$1
build=${BUILD:-build}
tool="$build/similarity"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    [ -n "$dir" ] && echo "make similarity: DIR=$dir: no such folder"
    echo "usage: make similarity DIR=folder [EX=05,06] [ARGS=\"--threshold 30 --top 20\"]   (one folder per student)"
    exit 2
fi
[ -x "$tool" ] || { echo "make similarity: $tool is missing (make tools)"; exit 2; }
numbers=$(ls exercises/[0-9][0-9]_*.c | sed 's|exercises/\([0-9][0-9]\)_.*|\1|' | tr '\n' ' ')
all_numbers=$numbers
# shellcheck source=tests/student_files.sh
. tests/student_files.sh
scratch="$build/tmp/similarity"
mkdir -p "$scratch" || exit 2
if [ -n "${SIMILARITY_EX:-}" ]; then
    wanted=" $(echo "$SIMILARITY_EX" | tr ',' ' ') "
    chosen=""
    for n in $numbers; do
        m=$(echo "$n" | sed 's/^0//')
        case $wanted in *" $n "* | *" $m "*) chosen="$chosen $n" ;; esac
    done
    [ -n "$chosen" ] || { echo "make similarity: EX=$SIMILARITY_EX: no such exercise (there are: $numbers)"; exit 2; }
    numbers=$chosen
fi
status=0
for n in $numbers; do
    name=$(basename "$(ls exercises/"$n"_*.c | head -n 1)")
    skeleton="exercises/.original/$name"
    [ -f "$skeleton" ] || skeleton="exercises/$name"
    set --
    for sd in "$dir"/*/; do
        [ -d "$sd" ] && [ ! -L "${sd%/}" ] || continue   # as make grade: a link is not a student
        student=$(basename "$sd")
        find_layout "${sd%/}" "$scratch"
        student_file "$n"
        [ -n "$ex_file" ] && [ -f "$ex_file" ] && [ ! -L "$ex_file" ] && set -- "$@" --file "$student" "$ex_file"
    done
    echo
    echo "== exercise $n ($name): $(($# / 3)) students have it"
    if [ $# -lt 6 ]; then
        echo "fewer than two copies: nothing to compare"
        continue
    fi
    # shellcheck disable=SC2086
    $EMULATOR "$tool" --skeleton "$skeleton" ${SIMILARITY_ARGS:-} "$@" || status=1
done
exit $status
