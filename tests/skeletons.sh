#!/bin/sh
# tests/skeletons.sh BUILD "NN NN ..." CC: prove that every exercise, as
# committed (the untouched skeleton), compiles and FAILS its checks: an
# exercise that passes unsolved teaches nothing. EMULATOR runs a cross
# compiler's programs (as in tests/run.sh).
#
# The skeletons are taken from git (HEAD), not from the work tree, so a
# student who has solved exercises in their copy is not affected. Outside a
# git checkout (a handout), the work-tree files are used.
build=$1
numbers=$2
cc=${3:-cc}
dir="$build/skeletons"
rm -rf "$dir"
mkdir -p "$dir/exercises"
use_git=0
git rev-parse --verify -q HEAD > /dev/null 2>&1 && use_git=1
passed=0
failed=0
for n in $numbers; do
    src=$(ls exercises/"$n"_*.c | head -n 1)
    hdr=${src%.c}.h
    base=$(basename "$src" .c)
    if [ $use_git -eq 1 ] && git cat-file -e "HEAD:$src" 2> /dev/null; then
        git show "HEAD:$src" > "$dir/exercises/$base.c"
        git show "HEAD:$hdr" > "$dir/exercises/$base.h" 2> /dev/null || cp "$hdr" "$dir/exercises/"
    else
        cp "$src" "$dir/exercises/"
        [ -f "$hdr" ] && cp "$hdr" "$dir/exercises/"
    fi
    log="$dir/$n.log"
    if ! $cc -std=c11 -O1 -w -DREAL_DOUBLE -Isrc -Itests -I"$dir/exercises" \
            "$dir/exercises/$base.c" tests/exercise_"$n".c tests/exercise.c tests/exercise_values.c \
            "$build/libcnn_double.a" -lm -o "$dir/exercise_$n" > "$log" 2>&1; then
        echo "  FAIL  exercise $n: the committed skeleton does not compile (see $log)"
        failed=$((failed + 1))
        continue
    fi
    sh tests/time_limit.sh 60 $EMULATOR "$dir/exercise_$n" >> "$log" 2>&1
    code=$?
    tasks=$(grep -c -- '-> FAIL' "$log")
    if [ $code -eq 1 ] && [ "$tasks" -gt 0 ]; then
        echo "  ok    exercise $n: the skeleton compiles and fails its checks ($tasks tasks fail)"
        passed=$((passed + 1))
    else
        echo "  FAIL  exercise $n: the skeleton exited $code with $tasks failing tasks (see $log)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
