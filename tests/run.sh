#!/bin/sh
# tests/run.sh BUILD: run every test program in BUILD/tests, one line each,
# then the closing line "N passed, N failed". Exits non-zero when any test
# failed or any program crashed. RUNNER (e.g. valgrind ...) wraps each program;
# EMULATOR (e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu") runs programs built
# for another machine, here and in every program a test starts (harness.c).
# TEST_JOBS programs run at once (default 2; make test passes the number of
# processors); each writes its own log, and the report is in name order. A
# program still running after 600 s (1800 s under EMULATOR) is ended
# (tests/time_limit.sh: POSIX sh, no timeout command needed). POSIX sh: runs
# under dash and busybox sh.
build=${1:-build}
jobs=${TEST_JOBS:-2}
here=$(dirname "$0")
limit=600
[ -n "$EMULATOR" ] && limit=1800    # qemu runs a program 5-20 times slower

# One program: its output to its log, its exit status to the log's .code file.
run_one() {
    name=$(basename "$1")
    log="$build/test-logs/$name.log"
    BUILD_DIR="$build" sh "$here/time_limit.sh" $limit $RUNNER $EMULATOR "$1" > "$log" 2>&1
    echo $? > "$log.code"
}

if [ "${1:-}" = "--one" ]; then      # (how xargs below calls this script back)
    build=$2
    run_one "$3"
    exit 0
fi
mkdir -p "$build/test-logs" "$build/tmp"

programs=$(for t in "$build"/tests/*; do [ -f "$t" ] && [ -x "$t" ] && echo "$t"; done)
rm -f "$build"/test-logs/*.code
printf '%s\n' $programs | xargs -P "$jobs" -I{} sh "$0" --one "$build" {}

passed=0
failed=0
for t in $programs; do
    name=$(basename "$t")
    log="$build/test-logs/$name.log"
    code=$(cat "$log.code" 2> /dev/null || echo 127)
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        p=${line%% passed*}
        f=${line#*passed, }
        f=${f%% failed*}
    else
        p=0
        f=1
    fi
    if [ "$code" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # it said all passed, but exited non-zero: a crash, or a sanitizer/valgrind report
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -eq 0 ]; then
        printf '  ok    %-28s %3d tests\n' "$name" "$p"
    else
        printf '  FAIL  %-28s %3d passed, %d failed (exit %d), log: %s\n' "$name" "$p" "$f" "$code" "$log"
        grep -E '^FAIL|ERROR|runtime error|Sanitizer|^==[0-9]+==' "$log" | head -n 20 | sed 's/^/        /'
        [ -n "$line" ] || tail -n 5 "$log" | sed 's/^/        /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
