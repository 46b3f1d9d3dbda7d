#!/bin/sh
# tests/run.sh BUILD: run every test program in BUILD/tests, one line each,
# then the closing line "N passed, N failed". Exits non-zero when any test
# failed or any program crashed. RUNNER (e.g. valgrind ...) wraps each program.
build=${1:-build}
mkdir -p "$build/test-logs" "$build/tmp"
passed=0
failed=0
for t in "$build"/tests/*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=$(basename "$t")
    log="$build/test-logs/$name.log"
    BUILD_DIR="$build" timeout 600 $RUNNER "$t" > "$log" 2>&1
    code=$?
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
