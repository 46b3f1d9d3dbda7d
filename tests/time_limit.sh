#!/bin/sh
# tests/time_limit.sh SECONDS COMMAND [ARG...]: run COMMAND and end it when it
# is still running after SECONDS seconds (SIGTERM, then SIGKILL 2 s later).
# Exits with COMMAND's exit status, or 124 when the time ran out, as GNU
# timeout does; but it needs only POSIX sh, kill and sleep (macOS and the
# BSDs have no timeout command). COMMAND's standard input is /dev/null (a
# background job's, in a shell without job control).
if [ $# -lt 2 ]; then
    echo "usage: sh tests/time_limit.sh SECONDS COMMAND [ARG...]" >&2
    exit 125
fi
limit=$1
shift
"$@" &
child=$!
# The watcher sleeps in the background; told to stop (TERM) it ends its sleep
# and exits 0; when the sleep runs out it ends COMMAND and exits 3.
(
    trap 'kill "$nap" 2> /dev/null; exit 0' TERM
    sleep "$limit" &
    nap=$!
    wait "$nap"
    trap '' TERM
    kill -TERM "$child" 2> /dev/null || exit 0
    sleep 1
    kill -0 "$child" 2> /dev/null && sleep 1 && kill -KILL "$child" 2> /dev/null
    exit 3
) > /dev/null 2>&1 &
watcher=$!
wait "$child"
code=$?
kill -TERM "$watcher" 2> /dev/null
wait "$watcher" 2> /dev/null
[ $? -eq 3 ] && exit 124
exit $code
