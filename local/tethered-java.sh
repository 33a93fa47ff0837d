#!/bin/sh
# Runs java tethered to the process that started it: DynamoDB Local must not outlive its
# runtime. The parent holds this script's stdin open; when the parent exits or is killed
# (even by SIGKILL, which it cannot handle), the pipe closes and the JVM is stopped. SIGTERM
# to this script stops the JVM too, and the script exits only once the JVM has.
exec 3<&0
java "$@" </dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null' TERM INT HUP
{
  cat <&3 >/dev/null
  kill "$pid" 2>/dev/null
} &
watcher=$!
exec 3<&-
status=0
while kill -0 "$pid" 2>/dev/null; do
  wait "$pid"
  status=$?
done
kill "$watcher" 2>/dev/null
exit "$status"
