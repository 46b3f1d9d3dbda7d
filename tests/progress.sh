#!/bin/sh
# tests/progress.sh BUILD "NN NN ...": a table of every exercise, built from
# the student's copy in exercises/, with how many of its tasks pass.
build=$1
numbers=$2
printf '%-4s %-24s %s\n' "ex" "file" "tasks passing"
printf '%-4s %-24s %s\n' "--" "----" "-------------"
for n in $numbers; do
    file=$(ls exercises/"$n"_*.c 2>/dev/null | head -n 1)
    if ! make --no-print-directory -s "$build/check/exercise_$n" > "$build/tmp-progress-$n.log" 2>&1; then
        printf '%-4s %-24s %s\n' "$n" "$(basename "$file")" "does not compile (make check EX=$n shows why)"
        continue
    fi
    line=$("$build/check/exercise_$n" 2>&1 | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed*}
    if [ -z "$line" ]; then
        status="crashed (make check EX=$n shows where)"
    elif [ "$f" -eq 0 ]; then
        status="$p/$p  done"
    else
        status="$p/$((p + f))"
    fi
    printf '%-4s %-24s %s\n' "$n" "$(basename "$file")" "$status"
done
rm -f "$build"/tmp-progress-*.log
