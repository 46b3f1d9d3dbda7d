#!/bin/sh
# tests/grade.sh DIR: grade a class (make grade DIR=... [EX=05,06] [POINTS=...]).
#
# DIR holds one folder per student; each student's exercise files are found
# wherever they sit in it (the folder itself, exercises/, a copy of the whole
# course; the choice is reported when there is more than one). Every run
# writes a folder of its own, BUILD/grade/run-DATE-TIME/ (never overwritten):
#
#   grades.csv           one row per student: points per task, per exercise,
#                        a status per exercise, the total, and notes
#   feedback/NAME.txt    per student: each exercise's status and every failing
#                        task's messages, as make check shows them
#   students/NNN/        each student's scratch folder: built and run there
#
# Status of an exercise: passed, failed, did not compile, missing, timed out,
# crashed, library call (it calls the course library's own version of what it
# was asked to write), refused (it uses what could fake or disturb the
# grading: exit(), files, processes, signals, asm, includes outside the
# course, or defines a function the checks use). The verdict of a task is the
# exit status of the checks' own main(), and the object's symbols (nm) prove
# that the student's code cannot end the process itself: printing "-> PASS"
# earns nothing. Each task runs with a limit of processor time
# (GRADE_TIME_LIMIT s, default 2: the solutions' slowest task takes about
# 0.01 s, so only an endless loop meets it, and it costs 2 s, not more; ten
# times that on the clock) and an output limit; each compilation with a time
# limit (GRADE_COMPILE_LIMIT s, default 120). Students are graded in
# parallel, one job per core (GRADE_JOBS to choose), each job taking the next
# student not yet taken (a student with endless loops holds up only one job). Nothing is reused from an earlier run: a
# resubmitted file is graded on its content, whatever its timestamp.
#
# EX=05,06: only those exercises. POINTS="05=2,06.3=4": every task of 05 is
# worth 2, task 3 of 06 is worth 4, the others 1.
#
# Environment (from the Makefile): BUILD, CC, EXE, EXTRA_CFLAGS, WARN, EX_WARN,
# CHECK_SAN (empty: no sanitizers; unset: when the compiler has them).
dir=$1
started=$(date +%s 2> /dev/null)   # (%s: not POSIX, but GNU, BSD, macOS and busybox have it)
build=${BUILD:-build}
cc=${CC:-cc}
warn=${WARN:--std=c11 -Wall -Wextra -Wpedantic -Werror}
ex_warn=${EX_WARN:--std=c11 -Wall -Wextra -Wpedantic -Wno-unused-parameter}
opt="-O2 -g ${EXTRA_CFLAGS:-}"
root=$(pwd)
lib="$root/$build/libcnn_double.a"
case $build in /*) lib="$build/libcnn_double.a" ;; esac

if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    [ -n "$dir" ] && echo "make grade: DIR=$dir: no such folder"
    echo "usage: make grade DIR=folder [EX=05,06] [POINTS=05=2,06.3=4]   (one folder per student)"
    exit 2
fi
[ -f "$lib" ] || { echo "make grade: $lib is missing (make lib)"; exit 2; }
dir_abs=$(cd "$dir" && pwd) || exit 2

# The course's exercises, and those to grade.
all_numbers=$(ls exercises/[0-9][0-9]_*.c | sed 's|exercises/\([0-9][0-9]\)_.*|\1|' | tr '\n' ' ')
numbers=$all_numbers
if [ -n "${GRADE_EX:-}" ]; then
    numbers=""
    chosen=""
    for e in $(echo "$GRADE_EX" | tr ',' ' '); do
        case $e in '' | *[!0-9]*) echo "make grade: EX=$GRADE_EX: '$e' is not an exercise number"; exit 2 ;; esac
        e=$(printf '%02d' "$(echo "$e" | sed 's/^0*\(.\)/\1/')")
        case " $all_numbers " in
            *" $e "*) chosen="$chosen $e" ;;
            *) echo "make grade: EX=$GRADE_EX: no exercise $e (there are: $all_numbers)"; exit 2 ;;
        esac
    done
    for e in $all_numbers; do   # in the course's order, each once
        case " $chosen " in *" $e "*) numbers="$numbers $e" ;; esac
    done
fi
# course_file, find_layout, student_file: the student's file of each exercise
# shellcheck source=tests/student_files.sh
. tests/student_files.sh

# POINTS: "NN=P" (each task of NN) and "NN.K=P" (task K of NN), by commas or spaces.
# An exercise or a task the course does not have is refused (a typo would
# otherwise leave its points at 1); a task is written 05.2 or 05.02.
points_given=$(echo "${GRADE_POINTS:-}" | tr ',' ' ')
points_spec=""
for p in $points_given; do
    case $p in
        [0-9][0-9]=[0-9]* | [0-9][0-9].[0-9]*=[0-9]*)
            case ${p#*=} in *[!0-9]*) echo "make grade: POINTS: '$p': points are whole numbers"; exit 2 ;; esac ;;
        *) echo "make grade: POINTS: '$p' is neither NN=P nor NN.K=P (e.g. POINTS=05=2,06.3=4)"; exit 2 ;;
    esac
    e=$(echo "$p" | cut -c 1-2)
    case " $all_numbers " in
        *" $e "*) ;;
        *) echo "make grade: POINTS: '$p': no exercise $e (there are: $all_numbers)"; exit 2 ;;
    esac
    case ${p%%=*} in
        *.*)
            k=${p%%=*}
            k=${k#*.}
            tasks=$(grep -c 'task_begin(' "tests/exercise_$e.c")
            case $k in '' | *[!0-9]*) k=0 ;; esac
            k=$(echo "$k" | sed 's/^0*//')
            if [ -z "$k" ] || [ "$k" -gt "$tasks" ]; then
                echo "make grade: POINTS: '$p': exercise $e has tasks 1 to $tasks"
                exit 2
            fi
            p="$e.$k=${p#*=}" ;;
    esac
    points_spec="$points_spec $p"
done
points_of() {   # exercise, task
    pts=1
    for p in $points_spec; do
        case ${p%%=*} in "$1") pts=${p#*=} ;; "$1.$2") pts=${p#*=}; break ;; esac
    done
    echo "$pts"
}

# This run's folder, never an earlier one's.
stamp=$(date -u +%Y%m%d-%H%M%S)
run="$root/$build/grade/run-$stamp"
i=1
while [ -e "$run" ]; do i=$((i + 1)); run="$root/$build/grade/run-$stamp-$i"; done
case $build in /*) run="${run#"$root/"}" ;; esac
mkdir -p "$run/common" "$run/feedback" "$run/students" || exit 1

# The functions of tests/check.sh (run_task, report_crash, run_limited, sanitizer_flags).
checkdir="$run/common"
# shellcheck source=tests/check.sh
CHECK_SH_FUNCTIONS=1 . tests/check.sh
# A task may use GRADE_TIME_LIMIT seconds of processor time (ulimit -t: an endless
# loop is stopped there, however busy the machine) and 10 times as long on the clock
# (a task blocked without using the processor).
cpu_limit=${GRADE_TIME_LIMIT:-2}
case $cpu_limit in '' | *[!0-9]* | 0) echo "make grade: GRADE_TIME_LIMIT=$cpu_limit: a whole number of seconds, please"; exit 2 ;; esac
limit=$((cpu_limit * 10))
compile_limit=${GRADE_COMPILE_LIMIT:-120}
san=$(sanitizer_flags)

# How this platform's nm spells a C name (macOS: a leading underscore).
printf 'int grade_probe_symbol(void) { return 0; }\n' > "$run/common/probe.c"
$cc -c "$run/common/probe.c" -o "$run/common/probe.o" || { echo "make grade: $cc cannot compile"; exit 2; }
prefix=$(nm -P -g "$run/common/probe.o" | awk '{ print $1 }' | sed -n 's/grade_probe_symbol$//p' | head -n 1)
# Global symbols of an object: "U name" (used) or "D name" (defined), without the prefix.
symbols() {
    nm -P -g "$1" 2> /dev/null | awk -v pre="$prefix" '
        { name = $1; if (pre != "" && index(name, pre) == 1) name = substr(name, length(pre) + 1)
          print (($2 == "U" || $2 == "w") ? "U" : "D"), name }'
}
# What a graded exercise may not use (after leading underscores and a 64, _2 or _chk
# suffix are taken off): ends the process or replaces it (a fake verdict), or reaches
# files, processes and signals (another student's results).
forbidden_re='^_*(exit|Exit|quick_exit|atexit|at_quick_exit|pthread_exit|thrd_exit|longjmp|siglongjmp|signal|sigaction|raise|kill|killpg|system|popen|fork|vfork|execl|execle|execlp|execv|execve|execvp|execvpe|fexecve|posix_spawn|posix_spawnp|dlopen|dlsym|syscall|ptrace|fopen|freopen|fdopen|tmpfile|open|openat|creat|remove|unlink|unlinkat|rename|renameat|mkdir|rmdir|chdir|truncate|ftruncate|symlink|link|chmod|dup|dup2|dup3|pipe|socket|connect|mmap|mprotect)(64)?(_2|_chk)?$'

# The checks, compiled once per run: their objects, the names they define (a
# student may not call them) and use (a student may not define them).
# (Not the link check of src/real.h: every file that includes a course header
# refers to it, whether or not it calls anything.)
symbols "$lib" | awk '$1 == "D" { print $2 }' | grep -v -E '^real_is_[a-z]+__link_with_' |
    sort -u > "$run/common/library-defines"
jobs=${GRADE_JOBS:-$(getconf _NPROCESSORS_ONLN 2> /dev/null || sysctl -n hw.ncpu 2> /dev/null || nproc 2> /dev/null || echo 1)}
case $jobs in '' | *[!0-9]* | 0) jobs=1 ;; esac
echo "grading: compiling the checks (exercises:$numbers) in $run/common"
# Exercise $1's checks, and its skeleton (what a student's file may define).
build_common() {
    n=$1
    log="$run/common/build-$n.log"
    $cc $warn $opt $san -DREAL_DOUBLE -Isrc -Iexercises -c "tests/exercise_$n.c" -o "$run/common/exercise_$n.o" \
        > "$log" 2>&1 || { cat "$log"; echo "make grade: tests/exercise_$n.c does not compile"; return 1; }
    skeleton="exercises/.original/$(course_file "$n")"
    [ -f "$skeleton" ] || skeleton="exercises/$(course_file "$n")"
    $cc $ex_warn $opt -DREAL_DOUBLE -Isrc -Iexercises -c "$skeleton" -o "$run/common/skeleton_$n.o" \
        >> "$log" 2>&1 || { cat "$log"; echo "make grade: $skeleton does not compile"; return 1; }
    symbols "$run/common/skeleton_$n.o" | awk '$1 == "D" { print $2 }' | sort -u > "$run/common/may-define-$n"
    { symbols "$run/common/exercise_$n.o"; symbols "$run/common/exercise.o"; symbols "$run/common/exercise_values.o"; } \
        > "$run/common/checks-$n"
    awk '$1 == "D" { print $2 }' "$run/common/checks-$n" | sort -u > "$run/common/checks-defined-$n"
    awk '$1 == "U" { print $2 }' "$run/common/checks-$n" | sort -u > "$run/common/checks-used-$n"
}
$cc $warn $opt $san -DREAL_DOUBLE -Isrc -Iexercises -c tests/exercise.c -o "$run/common/exercise.o" \
    > "$run/common/build.log" 2>&1 || { cat "$run/common/build.log"; echo "make grade: tests/exercise.c does not compile"; exit 1; }
$cc $warn $opt $san -c tests/exercise_values.c -o "$run/common/exercise_values.o" \
    >> "$run/common/build.log" 2>&1 || { cat "$run/common/build.log"; echo "make grade: tests/exercise_values.c does not compile"; exit 1; }
# The judge of every task's verdict (tests/check.sh, run_task): no student code in it.
$cc $warn $opt tests/exercise_judge.c tests/exercise_values.c -lm -o "$run/common/exercise_judge$exe" \
    >> "$run/common/build.log" 2>&1 || { cat "$run/common/build.log"; echo "make grade: tests/exercise_judge.c does not compile"; exit 1; }
judge="$run/common/exercise_judge$exe"
expected_dir="$root/tests/expected"
# In parallel: each job takes the next piece of work no job has taken yet
# (mkdir is atomic: exactly one job makes the folder "$1/$2").
claim() {
    mkdir "$1/$2" 2> /dev/null
}
mkdir -p "$run/claims/common" "$run/claims/students" || exit 1
w=0
while [ "$w" -lt "$jobs" ]; do
    (
        for n in $numbers; do
            claim "$run/claims/common" "$n" || continue
            build_common "$n" || : > "$run/common/failed"
        done
    ) &
    w=$((w + 1))
done
wait
[ -f "$run/common/failed" ] && exit 1

# CSV: a field quoted as RFC 4180 says when it needs to be.
csv_field() {
    case $1 in
        *[\",]* | *"
"*) printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')" ;;
        *) printf '%s' "$1" ;;
    esac
}

# Why exercise $1's file ($2) may not be graded as it is (empty: nothing).
source_problem() {
    bad=$(grep -n -E '^[[:space:]]*#[[:space:]]*include' "$2" |
        grep -v -E '#[[:space:]]*include[[:space:]]*(<[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*\.h>|"[A-Za-z0-9_]+\.h")' | head -n 1)
    [ -n "$bad" ] && { echo "it includes a file outside the course and the C library (line ${bad%%:*})"; return; }
    bad=$(grep -n -E '(^|[^A-Za-z0-9_])(asm|__asm|__asm__)([^A-Za-z0-9_]|$)' "$2" | head -n 1)
    [ -n "$bad" ] && { echo "it uses asm (line ${bad%%:*})"; return; }
}

# What the object $2 of exercise $1 uses or defines that it may not.
symbol_problem() {
    at="$student_work/symbols-$1"
    symbols "$2" > "$at"
    awk '$1 == "U" { print $2 }' "$at" | sort -u > "$at.used"
    awk '$1 == "D" { print $2 }' "$at" | sort -u > "$at.defined"
    bad=$(grep -E "$forbidden_re" "$at.used" | tr '\n' ' ')
    [ -n "$bad" ] && { echo "refused|it calls ${bad% }: a graded exercise may not end the program, or reach files, processes or signals"; return; }
    bad=$(grep -x -F -f "$run/common/checks-defined-$1" "$at.used" | head -n 1)
    [ -n "$bad" ] && { echo "refused|it calls the checks' own $bad"; return; }
    grep -v -x -F -f "$run/common/may-define-$1" "$at.defined" > "$at.extra"
    bad=$({ grep -x -F -f "$run/common/checks-used-$1" "$at.extra"; grep -E "$forbidden_re" "$at.extra"; } | head -n 1)
    [ -n "$bad" ] && { echo "refused|it defines $bad, a function the checks or the C library provide"; return; }
    bad=$(grep -x -F -f "$run/common/library-defines" "$at.used" | tr '\n' ' ')
    [ -n "$bad" ] && echo "library call|it calls the course library's own ${bad% }: the exercise is to write it yourself"
}

# Grade exercise $1 of the current student: sets ex_status, ex_points, ex_max
# and task_points (one field per task), and writes the feedback.
grade_exercise() {
    n=$1
    name=$(course_file "$n")
    tasks=$(grep -c 'task_begin(' "tests/exercise_$n.c")
    ex_status=""
    ex_points=0
    ex_max=0
    task_points=""
    k=1
    while [ "$k" -le "$tasks" ]; do ex_max=$((ex_max + $(points_of "$n" "$k"))); k=$((k + 1)); done
    student_file "$n"
    src=$ex_file
    why=""
    if [ -z "$src" ] || [ ! -e "$src" ]; then
        ex_status=missing
        why="$name is not in the folder graded ($layout)"
    elif [ -L "$src" ] || [ ! -f "$src" ]; then
        ex_status=missing
        why="$name is not a regular file (a link, a folder or a pipe)"
    fi
    if [ -z "$ex_status" ]; then
        cp "$src" "$student_work/$name" 2> /dev/null || { ex_status=missing; why="$name cannot be read"; }
    fi
    if [ -z "$ex_status" ]; then
        problem=$(source_problem "$n" "$student_work/$name")
        [ -n "$problem" ] && { ex_status=refused; why="$name: $problem"; }
    fi
    obj="$student_work/student_$n.o"
    if [ -z "$ex_status" ]; then
        (cd "$student_work" && run_limited "$compile_limit" $cc $ex_warn $opt $san -DREAL_DOUBLE \
            -I"$root/src" -I"$root/exercises" -c "$name" -o "student_$n.o") > "$student_work/build-$n.log" 2>&1
        code=$?
        if [ $code -eq 124 ]; then
            ex_status="did not compile"
            why="$name: the compiler did not finish within $compile_limit s"
        elif [ $code -ne 0 ]; then
            ex_status="did not compile"
            why=$(cat "$student_work/build-$n.log"; echo "$name does not compile: fix the first error above, then run make check EX=$n again")
        fi
    fi
    if [ -z "$ex_status" ]; then
        problem=$(symbol_problem "$n" "$obj")
        if [ -n "$problem" ]; then
            ex_status=${problem%%|*}
            why="$name: ${problem#*|}"
        fi
    fi
    if [ -z "$ex_status" ]; then
        $cc $opt $san "$run/common/exercise_$n.o" "$run/common/exercise.o" "$run/common/exercise_values.o" "$obj" "$lib" -lm -pthread \
            -o "$student_work/exercise_$n$exe" >> "$student_work/build-$n.log" 2>&1 || {
            ex_status="did not compile"
            if grep -q -x main "$student_work/symbols-$n.defined"; then   # a main of their own, for trying it
                link_why="$name defines main(): the checks have their own; take yours out (or keep it in another file)"
            else
                link_why="$name does not link: a function of ${name%.c}.h is missing or misspelt"
            fi
            why=$(cat "$student_work/build-$n.log"; echo "$link_why")
        }
    fi
    {
        echo
        echo "== exercise $n ($name)"
        [ -n "$ex_file_note" ] && echo "note: $ex_file_note"
    } >> "$feedback"
    if [ -n "$ex_status" ]; then
        k=1
        while [ "$k" -le "$tasks" ]; do task_points="$task_points,0"; k=$((k + 1)); done
        { echo "status: $ex_status; points: 0 of $ex_max"; echo "$why"; } >> "$feedback"
        return
    fi
    task_cwd=$student_work
    timed_out=0
    crashed=0
    all_pass=1
    k=1
    while [ "$k" -le "$tasks" ]; do
        run_task "$n" "$k" > "$student_work/task-$n-$k.txt"
        echo "$task_result" > "$student_work/task-$n-$k.result"
        pts=0
        case $task_result in
            pass) pts=$(points_of "$n" "$k") ;;
            timeout) timed_out=1; all_pass=0 ;;
            crash) crashed=1; all_pass=0 ;;
            *) all_pass=0 ;;
        esac
        task_points="$task_points,$pts"
        ex_points=$((ex_points + pts))
        k=$((k + 1))
    done
    if [ $all_pass -eq 1 ]; then ex_status=passed
    elif [ $timed_out -eq 1 ]; then ex_status="timed out"
    elif [ $crashed -eq 1 ]; then ex_status=crashed
    else ex_status=failed
    fi
    echo "status: $ex_status; points: $ex_points of $ex_max" >> "$feedback"
    k=1
    while [ "$k" -le "$tasks" ]; do
        if [ "$(cat "$student_work/task-$n-$k.result")" = pass ]; then   # the judge's verdict, not the text
            head -n 1 "$student_work/task-$n-$k.txt" | sed 's/$/  -> PASS/' >> "$feedback"
        else   # long output: its start and its end (the verdict and any crash report)
            lines=$(wc -l < "$student_work/task-$n-$k.txt")
            if [ "$lines" -gt 60 ]; then
                head -n 40 "$student_work/task-$n-$k.txt"
                echo "    ... ($((lines - 50)) lines of output left out) ..."
                tail -n 10 "$student_work/task-$n-$k.txt"
            else
                cat "$student_work/task-$n-$k.txt"
            fi >> "$feedback"
        fi
        k=$((k + 1))
    done
}

# Grade student number $1 (folder $2): writes students/NNN/row and feedback/NAME.txt.
grade_student() {
    sd=$2
    student=$(basename "$sd")
    student_work="$run/students/$1"
    mkdir -p "$student_work"
    student_work=$(cd "$student_work" && pwd)
    checkdir=$student_work
    feedback="$run/feedback/$student.txt"
    find_layout "$sd" "$student_work"
    {
        echo "Feedback for $student (make grade, run $(basename "$run"))"
        echo "graded: $layout"
        [ -n "$layout_note" ] && echo "note: $layout_note"
    } > "$feedback"
    fields=""
    total=0
    notes="$layout_note"
    summary=""
    for n in $numbers; do
        grade_exercise "$n"
        [ -n "$ex_file_note" ] && notes="${notes:+$notes; }$n: $ex_file_note"
        fields="$fields$task_points,$ex_points,$(csv_field "$ex_status")"
        total=$((total + ex_points))
        case $ex_status in
            passed) ;;
            "library call" | refused) summary="$summary $n:$ex_status"; notes="${notes:+$notes; }$n: $ex_status" ;;
            *) summary="$summary $n:$ex_status" ;;
        esac
    done
    echo "$(csv_field "$student"),$(csv_field "$layout")$fields,$total,$(csv_field "$notes")" > "$student_work/row"
    printf '%s\n' "total: $total of $max_total" >> "$feedback"
    echo "  $student: $total of $max_total${summary:+  (not passed:$summary)}"
}

# The class: every folder in DIR (hidden ones named, not graded).
max_total=0
header="student,layout"
for n in $numbers; do
    tasks=$(grep -c 'task_begin(' "tests/exercise_$n.c")
    ex_max=0
    k=1
    while [ "$k" -le "$tasks" ]; do
        p=$(points_of "$n" "$k")
        header="$header,ex$n.$k/$p"
        ex_max=$((ex_max + p))
        k=$((k + 1))
    done
    header="$header,ex$n/$ex_max,ex$n status"
    max_total=$((max_total + ex_max))
done
header="$header,total/$max_total,notes"
ls -a "$dir_abs" > "$run/entries"
: > "$run/students.list"
count=0
while IFS= read -r e; do
    case $e in
        . | ..) continue ;;
        .*) echo "make grade: $dir/$e: a hidden folder or file, not graded (rename it to grade it)"; continue ;;
    esac
    if [ -L "$dir_abs/$e" ] || [ ! -d "$dir_abs/$e" ]; then
        echo "make grade: $dir/$e: not a folder, not graded"
        continue
    fi
    count=$((count + 1))
    printf '%s\n' "$e" >> "$run/students.list"
done < "$run/entries"
[ "$count" -gt 0 ] || { echo "make grade: $dir has no student folders"; exit 2; }

[ "$jobs" -le "$count" ] || jobs=$count
echo "grading $count students in $jobs parallel jobs (each task: $cpu_limit s of processor time at most)"
w=0
while [ "$w" -lt "$jobs" ]; do
    (
        idx=0
        while IFS= read -r e; do
            idx=$((idx + 1))
            claim "$run/claims/students" "$idx" || continue
            grade_student "$(printf '%03d' "$idx")" "$dir_abs/$e"
        done < "$run/students.list"
    ) &
    w=$((w + 1))
done
wait

csv="$run/grades.csv"
echo "$header" > "$csv"
idx=0
while IFS= read -r e; do
    idx=$((idx + 1))
    row="$run/students/$(printf '%03d' "$idx")/row"
    if [ -f "$row" ]; then cat "$row" >> "$csv"; else echo "make grade: $e was not graded (see above)"; fi
done < "$run/students.list"
echo "$count students graded: $csv (feedback per student in $run/feedback/)"
now=$(date +%s 2> /dev/null)
case $started$now in
    *[!0-9]* | '') ;;
    *) secs=$((now - started)); echo "make grade took $((secs / 60)) min $((secs % 60)) s on the clock, $jobs jobs" ;;
esac
