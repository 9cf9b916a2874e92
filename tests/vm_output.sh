#!/usr/bin/env bash
# tests/vm_output.sh: scripts/vm delivers the command's stdout and stderr whole
# and in order, and its exit code, whatever the two are connected to.
#
# One command, which interleaves many lines on stdout and stderr (some long,
# more than 100 KiB in all) and exits 7, runs in the VM three ways at once
# (three small boots in parallel): into one file (`>log 2>&1`, the two streams
# mixed), stdout into a pipe and stderr into a file with standard input closed
# (the two kept apart), and on a terminal (util-linux `script`). Each result
# must be byte for byte what the same command gives run here with the same
# redirection, and the exit code 7.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/vm_output.XXXXXX")
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2016 # expanded by the bash that runs it
cmd='pad=$(printf "%0200d" 0)
for i in $(seq 1 1000); do
    echo "out$i"
    echo "err$i" >&2
    if [ $((i % 50)) = 0 ]; then echo "out$i $pad"; echo "err$i $pad" >&2; fi
    printf "out%s %s\n" "$i" "${pad:0:40}"
    printf "err%s %s\n" "$i" "${pad:0:40}" >&2
done
printf "last out line without a newline"
exit 7'

run() { # run WHERE NAME: the command here or in the VM, each of the three ways
    local where=$1 dir=$work/$2 rc
    mkdir -p "$dir"
    local -a pre=()
    [ "$where" = here ] || pre=(scripts/vm --)
    (
        rc=0
        "${pre[@]}" bash -c "$cmd" >"$dir/one" 2>&1 || rc=$?
        echo "$rc" >"$dir/one.rc"
    ) &
    (
        rc=0
        { "${pre[@]}" bash -c "$cmd" 2>"$dir/pipe.err" <&- || rc=$?; echo "$rc" >"$dir/pipe.rc"; } |
            cat >"$dir/pipe.out"
    ) &
    (
        # The terminal's output, as `script` copies it to its stdout; its
        # standard input (and so the command's, a terminal) gives no input.
        rc=0
        SHELL=/bin/bash script -q -e -c "$(printf '%q ' "${pre[@]}" bash -c "$cmd")" /dev/null \
            </dev/null >"$dir/tty" || rc=$?
        echo "$rc" >"$dir/tty.rc"
    ) &
    wait
}

run here want
run vm got

fail=0
for f in one.rc one pipe.rc pipe.out pipe.err tty.rc tty; do
    if ! cmp -s "$work/want/$f" "$work/got/$f"; then
        echo "tests/vm_output.sh: $f differs from the same command run here:" >&2
        cmp "$work/want/$f" "$work/got/$f" >&2 || true
        diff <(head -c 2000 "$work/want/$f") <(head -c 2000 "$work/got/$f") | head -20 >&2 || true
        fail=1
    fi
done
# What the comparison stands on: the command's own output, not an empty file.
[ "$(cat "$work/want/one.rc")" = 7 ] || { echo "tests/vm_output.sh: exit code here not 7" >&2; fail=1; }
[ "$(wc -c <"$work/want/one")" -gt 100000 ] || { echo "tests/vm_output.sh: too little output" >&2; fail=1; }
[ "$fail" = 0 ] || exit 1
echo "tests/vm_output.sh: one file, a pipe and a file, a terminal: output and exit code as run here"
