#!/bin/sh
# Install checks (CI, after `make test`): build the wheel, install it into a fresh virtual environment,
# and from there, outside the source tree, run `dojo-gui --version`, `dojo-gui info` and
# `dojo-gui report` on the bundled ExaPOD example.
#   scripts/check-install.sh            (PYTHON picks the interpreter; default python3)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-install: FAILED: $*" >&2; exit 1; }

echo "check-install: building the wheel"
"$python" -m venv "$work/build-env"
"$work/build-env/bin/python" -m pip install --quiet --upgrade pip
"$work/build-env/bin/python" -m pip wheel --quiet --no-deps -w "$work/dist" "$root"
wheel=$(ls "$work"/dist/dojo_gui-*.whl)
echo "check-install: $(basename "$wheel")"
# The wheel must carry the resources the app reads at run time.
"$work/build-env/bin/python" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["dojo_gui/resources/examples/exapod.dojo", "dojo_gui/resources/specs/dojo.json",
        "dojo_gui/resources/icons/dojo-gui.svg", "dojo_gui/resources/icons/dojo-gui-512.png",
        "dojo_gui/report/__init__.py", "dojo_gui/cli/report.py"]
missing = [n for n in need if n not in names]
if missing:
    sys.exit(f"the wheel lacks {', '.join(missing)}")
print(f"check-install: the wheel has {len(names)} files, resources included")
PY

echo "check-install: installing it into a fresh environment"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$wheel"

mkdir "$work/run" && cd "$work/run"   # away from the source tree, so only the installed package is found
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
bin=$work/venv/bin
expected="dojo-gui $("$bin/python" -c 'import dojo_gui; print(dojo_gui.__version__)')"
version=$("$bin/dojo-gui" --version)
[ "$version" = "$expected" ] || fail "dojo-gui --version printed '$version', expected '$expected'"
echo "ok: $version"
"$bin/python" -c 'import dojo_gui, sys; sys.exit(0 if "site-packages" in dojo_gui.__file__ else "dojo_gui is not the installed one")'

"$bin/dojo-gui" info exapod > info.txt || fail "dojo-gui info exapod exited with $?"
cat info.txt
grep -q "3,000 chips" info.txt || fail "info does not report 3,000 chips"
"$bin/dojo-gui" info exapod --json > info.json
"$bin/python" - <<'PY'
import json, sys
doc = json.load(open("info.json"))
if doc["counts"] != {"room": 1, "cabinet": 10, "tile": 120, "chip": 3000}:
    sys.exit(f"info --json counts are {doc['counts']}")
PY

"$bin/dojo-gui" report exapod -o report.pdf --html report.html || fail "dojo-gui report exited with $?"
[ "$(head -c 5 report.pdf)" = "%PDF-" ] || fail "report.pdf is not a PDF"
"$bin/python" - <<'PY'
import re, sys
pdf = open("report.pdf", "rb").read()
pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
html = open("report.html", encoding="utf-8").read()
if pages < 6:
    sys.exit(f"report.pdf has {pages} pages, expected at least 6 (title and one per section)")
for text in ("Dojo ExaPOD", "3,000", "Budgets against limits", "Assumptions"):
    if text not in html:
        sys.exit(f"report.html lacks {text!r}")
print(f"ok: report exapod: report.pdf has {pages} pages, report.html {len(html):,} characters")
PY
echo "check-install: passed"
