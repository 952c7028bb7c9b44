#!/bin/sh
# Make sure the system has what dojo-gui needs outside Python: venv for Python, and the
# libraries Qt loads.  Installs what is missing when it can (root with apt-get), otherwise
# names it and stops.  Usage: system-deps.sh run|test|test-slow
#   run        what the app needs to open a window (X11/xcb)
#   test       what the offscreen test suite needs (Qt's libraries, poppler for the report's pages)
#   test-slow  and what the real-window tests need: Xvfb, a window manager, xdotool, the xcb libraries
set -eu
python=${PYTHON:-python3}
missing=""

if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing="$missing python3-venv"
fi
# Qt's xcb/offscreen platforms load these (Debian 12 / Ubuntu package names); reports and charts
# are set in DejaVu, and Qt draws no text at all on a machine without a font.
for pkg in libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libx11-6 libglib2.0-0 libdbus-1-3 fonts-dejavu-core; do
    if command -v dpkg-query >/dev/null 2>&1; then
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        case "$status" in *"install ok installed"*) ;; *) missing="$missing $pkg" ;; esac
    fi
done
mode=${1:-run}
want() {
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        case "$status" in *"install ok installed"*) ;; *) missing="$missing $pkg" ;; esac
    done
}
# The report tests render PDF pages to images (pdftoppm) and read their text (pdftotext).
if [ "$mode" != run ] && command -v dpkg-query >/dev/null 2>&1; then
    want poppler-utils desktop-file-utils
fi
# The real-window tests run the app under Xvfb with a window manager and move the mouse through
# the X server with xdotool.
if [ "$mode" = test-slow ] && command -v dpkg-query >/dev/null 2>&1; then
    want xvfb xdotool openbox x11-utils
fi
# A real window on X11 also needs the xcb libraries; the offscreen tests do not.
if [ "$mode" != test ] && command -v dpkg-query >/dev/null 2>&1; then
    want libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
        libxcb-randr0 libxcb-render-util0 libxcb-image0
fi

[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
    exit 0
fi
echo "system-deps: missing system packages:$missing" >&2
echo "system-deps: install them with: sudo apt-get install$missing" >&2
exit 1
