#!/bin/sh
# Check a built one-folder app from outside the source tree:
#   - `dojo-gui --version`, `dojo-gui info exapod` and `dojo-gui report exapod` from the bundle;
#   - the window: started offscreen on the ExaPOD example it must log that it opened the ExaPOD's
#     3,000 chips and then built its simulation panel, stay up for GUI_SECONDS (default 8) and end on
#     SIGTERM within 10 s.
#   packaging/check-bundle.sh [dist/dojo-gui]
set -eu
app=$(cd "${1:-dist/dojo-gui}" && pwd)
exe=$app/dojo-gui
[ -x "$exe" ] || { echo "check-bundle: no executable at $exe (run make app)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state"
fail() { echo "check-bundle: FAILED: $*" >&2; exit 1; }

version=$("$exe" --version) || fail "dojo-gui --version exited with $?"
case "$version" in "dojo-gui "[0-9]*) echo "ok: $version" ;; *) fail "unexpected version line: $version" ;; esac

"$exe" info exapod > info.txt || fail "dojo-gui info exapod exited with $?"
grep -q "3,000 chips" info.txt || { cat info.txt; fail "info does not report the ExaPOD's 3,000 chips"; }
echo "ok: info exapod: $(grep 'parts' info.txt | sed 's/^ *//')"

"$exe" report exapod -o report.pdf --html report.html -q || fail "dojo-gui report exited with $?"
[ "$(head -c 5 report.pdf)" = "%PDF-" ] || fail "report.pdf is not a PDF"
grep -q "3,000" report.html || fail "report.html lacks the chip count"
echo "ok: report exapod: report.pdf ($(wc -c < report.pdf) bytes), report.html"

QT_QPA_PLATFORM=offscreen "$exe" --example exapod > gui.log 2>&1 &
pid=$!
waited=0
while [ "$waited" -lt "${GUI_SECONDS:-8}" ] && kill -0 "$pid" 2>/dev/null; do sleep 1; waited=$((waited + 1)); done
if ! kill -0 "$pid" 2>/dev/null; then
    rc=0; wait "$pid" || rc=$?
    cat gui.log >&2
    fail "the GUI exited after ${waited} s with status $rc"
fi
kill -TERM "$pid"
n=0
while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 10 ]; do sleep 1; n=$((n + 1)); done
if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fail "the GUI did not end within 10 s of SIGTERM"; fi
wait "$pid" 2>/dev/null || true
log=$XDG_CACHE_HOME/dojo-gui/log/dojo-gui.log
grep -q "opened Dojo ExaPOD (3,000 chips)" "$log" 2>/dev/null || { cat gui.log "$log" >&2; fail "the GUI did not log that it opened the ExaPOD example ($log)"; }
grep -q "simulation panel ready" "$log" || { cat gui.log "$log" >&2; fail "the GUI did not log that its simulation panel was ready"; }
echo "ok: the GUI ran offscreen for ${waited} s and ended on SIGTERM; its log: $(grep -o 'opened Dojo ExaPOD.*' "$log" | head -1)"
echo "check-bundle: $app passed ($(du -sh "$app" | cut -f1))"
