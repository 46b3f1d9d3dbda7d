#!/bin/sh
# tests/grade.sh DIR: grade a class. DIR holds one folder per student, each a
# copy of exercises/ (only the NN_topic.c files matter). Every exercise of
# every student is built against the course's checks and run task by task,
# each task in its own process under a time limit (GRADE_TIME_LIMIT seconds,
# default 5): a crash or an endless loop costs that task, not the run.
# Writes BUILD/grade/grades.csv (student, tasks passed per exercise, total)
# and prints the same as a table.
dir=$1
build=${BUILD:-build}
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "usage: make grade DIR=folder   (one folder per student, each a copy of exercises/)"
    exit 2
fi
numbers=$(ls exercises/[0-9][0-9]_*.c | sed 's|exercises/\([0-9][0-9]\)_.*|\1|' | tr '\n' ' ')
out="$build/grade"
mkdir -p "$out"
csv="$out/grades.csv"
header="student"
for n in $numbers; do
    header="$header,ex$n/$(grep -c 'task_begin(' tests/exercise_"$n".c)"
done
echo "$header,total" > "$csv"
students=0
for student_dir in "$dir"/*/; do
    [ -d "$student_dir" ] || continue
    student=$(basename "$student_dir")
    students=$((students + 1))
    scores=$(CHECK_TIME_LIMIT=${GRADE_TIME_LIMIT:-5} EXERCISES="${student_dir%/}" CHECK_BUILD="$out/$student" \
        sh tests/check.sh score)
    line="$student"
    total=0
    for n in $numbers; do
        passed=$(echo "$scores" | awk -v n="$n" '$1 == n { print $2 }')
        passed=${passed:-0}
        line="$line,$passed"
        total=$((total + passed))
    done
    echo "$line,$total" >> "$csv"
done
column -s, -t < "$csv" 2> /dev/null || tr ',' '\t' < "$csv"
echo "$students students graded: $csv"
