#!/bin/sh
# tests/check.sh MODE EX: the student's side of the exercises.
#
#   check EX      build exercises/EX_*.c against its checks and run every task
#   hint EX       one more hint (idea, formula, code) for the first failing task
#   reset EX      put the original exercise back (the current file is kept as .bak)
#   progress      a table of every exercise: tasks passing
#
# The checker never loses a message: each task runs in its own process, with
# a time limit (CHECK_TIME_LIMIT seconds, default 10; no GNU timeout needed),
# an output limit (CHECK_OUTPUT_BLOCKS, see run_task), unbuffered output and,
# when the compiler supports it, AddressSanitizer and UBSan compiled into the
# student's file, so a crash, an endless loop or an out-of-bounds write is
# reported with the task, the call into the student's code, and (for the
# sanitizers) the file and line; what the task printed before stays.
#
# Environment (set by the Makefile): BUILD, MAKE, CC, EXE (".exe" for a
# Windows build: every program built here ends in it). Exit status: 0 when
# everything passes, 1 otherwise, 2 for a bad EX. The Makefile ends a failed
# run without GNU make's "*** Error" line: the last line is ours.
build=${BUILD:-build}
ex_dir=${EXERCISES:-exercises}          # the student's files (make grade points it elsewhere)
checkdir=${CHECK_BUILD:-$build/check}   # where their checks are built
make_cmd=${MAKE:-make}
cc=${CC:-cc}
exe=${EXE:-}
limit=${CHECK_TIME_LIMIT:-10}
[ -n "$EMULATOR" ] && limit=${CHECK_TIME_LIMIT:-60}   # an emulator (qemu) runs a task many times slower
mode=$1
ex_arg=$2
all_numbers=$(ls exercises/[0-9][0-9]_*.c 2> /dev/null | sed 's|exercises/\([0-9][0-9]\)_.*|\1|' | tr '\n' ' ')

# "1", "01" and "001" all mean exercise 01; prints nothing for anything else.
normalise() {
    case $1 in '' | *[!0-9]*) return ;; esac
    n=$(echo "$1" | sed 's/^0*//')
    [ -n "$n" ] || return
    n=$(printf '%02d' "$n")
    case " $all_numbers " in *" $n "*) echo "$n" ;; esac
}

# The flags that add AddressSanitizer + UBSan, when this compiler can link them.
sanitizer_flags() {
    [ -n "${CHECK_SAN+set}" ] && { echo "$CHECK_SAN"; return; }
    flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
    mkdir -p "$build/tmp"
    if printf 'int main(void) { return 0; }\n' > "$build/tmp/probe.c" &&
        $cc $flags "$build/tmp/probe.c" -o "$build/tmp/probe$exe" > /dev/null 2>&1 && $EMULATOR "$build/tmp/probe$exe" > /dev/null 2>&1; then
        echo "$flags"
    fi
    rm -f "$build/tmp/probe.c" "$build/tmp/probe$exe"
}

# Build the checks of exercise $1 against the student's file; on failure show
# the compiler's messages (without make's own lines) and say which file.
build_checks() {
    n=$1
    student_file=$(ls "$ex_dir"/"$n"_*.c 2> /dev/null | head -n 1)
    mkdir -p "$checkdir"
    log="$checkdir/build-$n.log"
    if [ -z "$student_file" ]; then
        [ "${2:-}" = quiet ] || echo "$ex_dir has no ${n}_*.c"
        return 1
    fi
    if $make_cmd --no-print-directory -s BUILD="$build" CHECK_SAN="$san" EX_DIR="$ex_dir" CHECK_BUILD="$checkdir" \
        "$checkdir/exercise_$n$exe" > "$log" 2>&1; then
        return 0
    fi
    [ "${2:-}" = quiet ] && return 1
    grep -v -E '^make(\[[0-9]+\])?: \*\*\*' "$log"
    echo "$student_file does not compile: fix the first error above, then run make check EX=$n again"
    return 1
}

# The process $1 and every process under it, stopped and killed (POSIX ps:
# GNU's timeout is not on every system, macOS has none).
kill_tree() {
    kill -s STOP "$1" 2> /dev/null
    for child in $(ps -A -o pid= -o ppid= 2> /dev/null | awk -v p="$1" '$2 == p { print $1 }'); do
        kill_tree "$child"
    done
    kill -s KILL "$1" 2> /dev/null
}

# Run "$@" for at most $1 seconds: its exit status, or 124 when the time ran
# out (then it and its children are killed). A watchdog polls once a second.
run_limited() {
    secs=$1
    shift
    marker="$checkdir/.timed-out.$$"
    rm -f "$marker"
    "$@" &
    job=$!
    (
        n=0
        while kill -0 "$job" 2> /dev/null; do
            if [ "$n" -ge "$secs" ]; then
                : > "$marker"
                kill_tree "$job"
                exit 0
            fi
            sleep 1
            n=$((n + 1))
        done
    ) > /dev/null 2>&1 &
    dog=$!
    wait "$job"
    code=$?
    kill "$dog" 2> /dev/null
    if [ -f "$marker" ]; then
        rm -f "$marker"
        return 124
    fi
    return "$code"
}

# The judge (tests/exercise_judge.c, no student code in it) owns the verdict:
# from the values a task reports (--report) and the stored expected ones.
judge=${JUDGE:-$build/exercise_judge$exe}
expected_dir=${EXPECTED_DIR:-$(pwd)/tests/expected}

# At most this much output per task (ulimit -f, in the shell's blocks:
# 512 or 1024 bytes): a task that prints without end is stopped.
output_blocks=${CHECK_OUTPUT_BLOCKS:-2048}

# Run task $2 of exercise $1 in its own process, for at most $limit seconds
# (make grade also sets $task_cwd, the folder to run in, and $cpu_limit,
# seconds of processor time, so that a busy machine does not make a correct
# task late; $limit is then a backstop); print what it printed and, if it
# crashed, hung, broke a sanitizer rule or printed too much, say so. The
# task passes only when its own main() says so (exit status 0 and "-> PASS")
# AND the judge, a program without the student's code, finds every check's
# reported values equal to the stored expected ones: whatever the student's
# code prints or however it ends the process, it cannot pass a task it did
# not solve. Sets task_result to pass, fail, crash or timeout.
run_task() {
    n=$1
    k=$2
    out="$checkdir/task-$n-$k.out"
    err="$checkdir/task-$n-$k.err"
    EXERCISE_CALLS=1 ASAN_OPTIONS=detect_leaks=0:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:exitcode=86 \
        run_limited "$limit" sh -c 'cd "$1" && ulimit -f "$2" && { [ "$3" = unlimited ] || ulimit -t "$3" 2> /dev/null || :; } &&
            shift 3 && exec $EMULATOR "$@"' sh "${task_cwd:-.}" "$output_blocks" "${cpu_limit:-unlimited}" \
        "$checkdir/exercise_$n$exe" --task "$k" --report --expected "$expected_dir/exercise_$n.txt" > "$out" 2> "$err" < /dev/null
    code=$?
    if [ -n "$exe" ]; then   # a Windows program ends its lines with CR LF
        tr -d '\r' < "$out" > "$out.lf" && mv "$out.lf" "$out"
        tr -d '\r' < "$err" > "$err.lf" && mv "$err.lf" "$err"
    fi
    judged=fail
    if [ $code -eq 0 ] && grep -q -- '-> PASS' "$out"; then
        $EMULATOR "$judge" "$expected_dir/exercise_$n.txt" "$k" < "$out" > "$out.judge" 2>&1 && judged=pass
    fi
    if [ $judged = pass ]; then
        grep -v -E '^([0-9]+ passed, [0-9]+ failed$|@)' "$out"
    else   # a "-> PASS" the judge did not give is not shown
        grep -v -E '^([0-9]+ passed, [0-9]+ failed$|@|  -> PASS$)' "$out"
    fi
    call=$(grep '^@call ' "$err" | tail -n 1 | sed 's/^@call //')
    [ -n "$call" ] || call="(before any call into your code)"
    if [ $judged = pass ]; then
        task_result=pass
    elif [ -f "$out.judge" ]; then
        cat "$out.judge"
        echo "  -> FAIL (the checker's own comparison)"
        task_result=fail
    elif [ $code -eq 1 ] && grep -q -- '-> FAIL' "$out"; then
        task_result=fail
    elif { [ $code -eq 152 ] || [ $code -eq 137 ]; } && [ -n "${cpu_limit:-}" ]; then   # ulimit -t: SIGXCPU or SIGKILL
        echo "    task $k used more than $cpu_limit s of processor time: an endless loop? It was in the call"
        echo "        $call"
        echo "  -> FAIL (time limit)"
        task_result=timeout
    elif [ $code -eq 124 ] || [ $code -eq 137 ]; then
        echo "    task $k did not finish within $limit s: an endless loop? It was in the call"
        echo "        $call"
        echo "  -> FAIL (time limit)"
        task_result=timeout
    else
        report_crash "$k" "$code" "$call" "$err"
        task_result=crash
    fi
    rm -f "$out" "$err" "$out.judge"
}

# What a sanitizer said, in three lines, or which signal ended the task.
report_crash() {
    k=$1
    code=$2
    call=$3
    err=$4
    what=$(grep -m 1 -E 'ERROR: AddressSanitizer|runtime error' "$err" | sed 's/^==[0-9]*==//; s/^ERROR: //')
    if [ -n "$what" ]; then
        where=$(grep -m 1 -E '[0-9][0-9]_[a-z_]*\.c:[0-9]+' "$err" |
            sed -E 's/^(.*[ /])?([0-9][0-9]_[a-z_]*\.c:[0-9]+).*/\2/')   # UBSan's line starts with it
        [ -n "$where" ] && where="$ex_dir/$where"
        echo "    task $k broke a rule of C in your code: $what"
        [ -n "$where" ] && echo "    at $where"
    else
        case $code in
            139 | 11) why="a segmentation fault: a pointer or an index outside its array" ;;
            136 | 8) why="a floating-point exception: an integer division by zero?" ;;
            134 | 6) why="abort() was called (an assert?)" ;;
            153 | 25) why="it printed more than the output limit (an endless loop of printing?)" ;;
            *) why="exit status $code" ;;
        esac
        echo "    task $k crashed: $why"
    fi
    echo "    in the call: $call"
    echo "  -> FAIL (crashed)"
}

# The judge, built when missing (make grade builds its own).
build_judge() {
    $make_cmd --no-print-directory -s BUILD="$build" "$judge" > "$checkdir/build-judge.log" 2>&1 ||
        { cat "$checkdir/build-judge.log"; echo "tests/exercise_judge.c does not compile"; exit 1; }
}

# The exercise's number of tasks.
task_count() {
    { $EMULATOR "$checkdir/exercise_$1$exe" --count 2> /dev/null || echo 0; } | tr -d '\r'   # (Windows: CR LF)
}

# The lesson after exercise $1, for "what next".
next_step() {
    n=$1
    next=$(printf '%02d' $(( $(echo "$n" | sed 's/^0*//') + 1 )))
    notes=$(ls notes/"$next"_*.md 2> /dev/null | head -n 1)
    if [ -n "$notes" ]; then
        lesson=$(basename "$notes" .md)
        echo "Next: read $notes, run $build/lessons/$lesson$exe, then make check EX=$next."
    else
        echo "Next: make mnist EX=all trains lesson 10's network with your own functions."
    fi
}

do_check() {
    n=$1
    file=$(ls exercises/"$n"_*.c | head -n 1)
    build_checks "$n" || exit 1
    tasks=$(task_count "$n")
    passed=0
    first_failing=""
    k=1
    while [ "$k" -le "$tasks" ]; do
        run_task "$n" "$k"
        if [ "$task_result" = pass ]; then
            passed=$((passed + 1))
        elif [ -z "$first_failing" ]; then
            first_failing=$k
        fi
        k=$((k + 1))
    done
    echo
    echo "$passed passed, $((tasks - passed)) failed"
    if [ "$passed" -eq "$tasks" ]; then
        echo "$file: all $tasks tasks pass. $(next_step "$n")"
        exit 0
    fi
    echo "$file: $passed of $tasks tasks pass. A hint for task $first_failing: make hint EX=$n"
    exit 1
}

# The first failing task of exercise $1 (empty when all pass), quietly.
first_failing_task() {
    n=$1
    tasks=$(task_count "$n")
    k=1
    while [ "$k" -le "$tasks" ]; do
        run_task "$n" "$k" > /dev/null
        [ "$task_result" = pass ] || { echo "$k"; return; }
        k=$((k + 1))
    done
}

do_hint() {
    n=$1
    build_checks "$n" || exit 1
    k=$(first_failing_task "$n")
    if [ -z "$k" ]; then
        echo "Every task of exercise $n passes: no hint needed. $(next_step "$n")"
        exit 0
    fi
    state="$build/hints/$n"
    mkdir -p "$build/hints"
    level=1
    if [ -f "$state" ] && [ "$(cut -d ' ' -f 1 "$state")" = "$k" ]; then
        level=$(( $(cut -d ' ' -f 2 "$state") + 1 ))
        [ "$level" -le 3 ] || level=3
    fi
    echo "$k $level" > "$state"
    $EMULATOR "$checkdir/exercise_$n$exe" --hint "$k" "$level"
    if [ "$level" -lt 3 ]; then
        echo "(make hint EX=$n again for the next level)"
    else
        echo "(that was the last hint for task $k; make check EX=$n shows what is still wrong)"
    fi
    exit 0
}

do_reset() {
    n=$1
    file=$(ls exercises/"$n"_*.c | head -n 1)
    base=$(basename "$file")
    tmp="$build/tmp/reset-$base"
    mkdir -p "$build/tmp"
    if [ -f "exercises/.original/$base" ]; then
        cp "exercises/.original/$base" "$tmp" || exit 1
        from="the handout's original"
    elif git cat-file -e "HEAD:$file" 2> /dev/null && git show "HEAD:$file" > "$tmp"; then
        from="the last commit (git HEAD)"
    else
        echo "make reset: no original of $file here (no exercises/.original/ and no git)"
        exit 1
    fi
    if cmp -s "$tmp" "$file"; then
        echo "$file is already the original: nothing to do"
        rm -f "$tmp"
        exit 0
    fi
    cp "$file" "$file.bak" && cp "$tmp" "$file" || { echo "make reset: could not write $file"; exit 1; }
    rm -f "$tmp" "$build/hints/$n"
    echo "$file is the original again, from $from; your version is in $file.bak"
    exit 0
}

do_progress() {
    mkdir -p "$build"
    printf '%-4s %-22s %s\n' "ex" "file" "tasks passing"
    printf '%-4s %-22s %s\n' "--" "----" "-------------"
    for n in $all_numbers; do
        file=$(basename "$(ls exercises/"$n"_*.c | head -n 1)")
        if ! build_checks "$n" quiet; then
            printf '%-4s %-22s %s\n' "$n" "$file" "does not compile (make check EX=$n shows why)"
            continue
        fi
        tasks=$(task_count "$n")
        passed=0
        trouble=""
        k=1
        while [ "$k" -le "$tasks" ]; do
            run_task "$n" "$k" > /dev/null
            case $task_result in
                pass) passed=$((passed + 1)) ;;
                crash) trouble="$trouble, task $k crashed" ;;
                timeout) trouble="$trouble, task $k did not finish" ;;
            esac
            k=$((k + 1))
        done
        status="$passed/$tasks"
        [ "$passed" -eq "$tasks" ] && status="$status  done"
        printf '%-4s %-22s %s%s\n' "$n" "$file" "$status" "$trouble"
    done
}

usage_line() {
    echo "usage: make $mode EX=NN   (NN is one of: $all_numbers)"
    exit 2
}

# tests/grade.sh reads the functions above (CHECK_SH_FUNCTIONS=1) and stops here.
[ -n "${CHECK_SH_FUNCTIONS:-}" ] && return 0

# The check binaries are rebuilt when the sanitizer flags differ from last time's.
san=$(sanitizer_flags)
mkdir -p "$checkdir"
build_judge
if [ "$(cat "$checkdir/sanitizer-flags" 2> /dev/null)" != "$san" ]; then
    rm -rf "$checkdir/obj" "$checkdir"/exercise_*
    echo "$san" > "$checkdir/sanitizer-flags"
fi
case $mode in
    progress) do_progress; exit 0 ;;
    check | hint | reset) ;;
    *) echo "tests/check.sh: unknown mode '$mode'"; exit 2 ;;
esac
[ -n "$ex_arg" ] || usage_line
n=$(normalise "$ex_arg")
if [ -z "$n" ]; then
    echo "make $mode: no exercise '$ex_arg' (there are: $all_numbers)"
    exit 2
fi
case $mode in
    check) do_check "$n" ;;
    hint) do_hint "$n" ;;
    reset) do_reset "$n" ;;
esac
