#!/bin/sh
# Install dojo-gui on the desktop: a launcher that runs a working dojo-gui (and opens .dojo files), the
# .dojo MIME type, the AppStream metainfo and the icons, and a `dojo-gui` command in PREFIX/bin.
#
#   packaging/install-desktop.sh [--exec PROGRAM] [PREFIX]
#
# PREFIX defaults to ~/.local (per user); /usr/local installs for everyone.  The program the launcher
# runs is, first found: --exec PROGRAM; the app bundle `make app` builds (dist/dojo-gui/dojo-gui);
# `dojo-gui` on the PATH; the entry point of this checkout's .venv (`make run`).  The launcher names it
# by its absolute path (Exec and TryExec), so a desktop that hides launchers whose TryExec it cannot
# find shows this one whatever its PATH; PREFIX/bin/dojo-gui runs the same program from a terminal.
# The script says what it found and what it wrote.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
id=org.dojogui.DojoGui

program=
while [ $# -gt 0 ]; do
    case $1 in
        --exec) [ $# -ge 2 ] || { echo "install-desktop.sh: --exec needs a program" >&2; exit 2; }
                program=$2; shift 2 ;;
        --exec=*) program=${1#--exec=}; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "install-desktop.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) break ;;
    esac
done
prefix=${1:-${XDG_DATA_HOME:+$(dirname "$XDG_DATA_HOME")}}
prefix=${prefix:-$HOME/.local}
share=$prefix/share
bin=$prefix/bin

# --------------------------------------------------------------------------- the program to run
if [ -n "$program" ]; then
    found="given with --exec"
    case $program in /*) ;; *) program=$(command -v "$program" 2>/dev/null || echo "$PWD/$program") ;; esac
elif [ -x "$root/dist/dojo-gui/dojo-gui" ]; then
    program=$root/dist/dojo-gui/dojo-gui; found="the app bundle built by make app"
elif command -v dojo-gui >/dev/null 2>&1 && [ "$(command -v dojo-gui)" != "$bin/dojo-gui" ]; then
    program=$(command -v dojo-gui); found="dojo-gui on the PATH"
elif [ -x "$root/.venv/bin/dojo-gui" ]; then
    program=$root/.venv/bin/dojo-gui; found="the entry point of $root/.venv"
else
    echo "install-desktop.sh: no dojo-gui to launch: build the app bundle (make app), install the package" \
         "(pip install dojo-gui, or make run in this checkout), or name the program with --exec PROGRAM" >&2
    exit 1
fi
if [ ! -f "$program" ] || [ ! -x "$program" ]; then
    echo "install-desktop.sh: $program ($found) is not an executable file" >&2
    exit 1
fi
case $program in
    *[\"\`\$\\]*) echo "install-desktop.sh: $program: a launcher cannot name a path with \", \`, \$ or \\ in it" >&2
                  exit 1 ;;
esac
if ! version=$("$program" --version 2>&1); then
    echo "install-desktop.sh: $program ($found) does not run: $version" >&2
    exit 1
fi

# --------------------------------------------------------------------------- the launcher and the rest
install -d "$share/applications"
launcher=$share/applications/$id.desktop
# Exec takes the path in double quotes (it may hold spaces); TryExec takes it as it is.
as_sed=$(printf '%s' "$program" | sed 's/[&|]/\\&/g')
sed -e "s|^Exec=dojo-gui |Exec=\"$as_sed\" |" -e "s|^TryExec=dojo-gui\$|TryExec=$as_sed|" \
    "$here/$id.desktop" > "$launcher.tmp"
chmod 644 "$launcher.tmp"
mv "$launcher.tmp" "$launcher"
install -D -m 644 "$here/$id.mime.xml" "$share/mime/packages/$id.xml"
install -D -m 644 "$here/$id.metainfo.xml" "$share/metainfo/$id.metainfo.xml"
install -D -m 644 "$root/resources/icons/dojo-gui.svg" "$share/icons/hicolor/scalable/apps/$id.svg"
for png in "$root"/resources/icons/dojo-gui-*.png; do
    size=$(basename "$png" .png); size=${size#dojo-gui-}
    install -D -m 644 "$png" "$share/icons/hicolor/${size}x${size}/apps/$id.png"
    install -D -m 644 "$png" "$share/icons/hicolor/${size}x${size}/mimetypes/application-x-dojo-gui.png"
done

# PREFIX/bin/dojo-gui: a two-line script that runs the program (a symbolic link would make a bundle look
# for its libraries beside the link).  One that is not ours is left alone.
command_note=
if [ "$program" = "$bin/dojo-gui" ]; then
    command_note="$bin/dojo-gui is the program itself"
elif [ -e "$bin/dojo-gui" ] && ! grep -q "written by dojo-gui's install-desktop.sh" "$bin/dojo-gui" 2>/dev/null; then
    command_note="left $bin/dojo-gui as it was (it is not one this script wrote)"
else
    install -d "$bin"
    printf '#!/bin/sh\n# written by dojo-gui'"'"'s install-desktop.sh: runs the program the launcher runs\nexec "%s" "$@"\n' \
        "$program" > "$bin/dojo-gui.tmp"
    chmod 755 "$bin/dojo-gui.tmp"
    mv "$bin/dojo-gui.tmp" "$bin/dojo-gui"
    command_note="wrote $bin/dojo-gui, which runs it"
    case ":$PATH:" in *":$bin:"*) ;; *) command_note="$command_note ($bin is not on your PATH)" ;; esac
fi

# Refresh the caches where the tools exist; a desktop without them reads the files directly.
if command -v update-mime-database >/dev/null 2>&1; then update-mime-database "$share/mime"; fi
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$share/applications" || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t "$share/icons/hicolor" || true; fi

echo "dojo-gui: $program ($found; $version)"
echo "launcher: $launcher runs it (Exec and TryExec name that path) and opens .dojo files"
echo "command:  $command_note"
echo "also:     the .dojo MIME type, the AppStream metainfo and the icons under $share"
