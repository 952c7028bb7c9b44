#!/bin/sh
# Install dojo-gui's desktop integration: the launcher (opens .dojo files), the .dojo MIME type,
# the AppStream metainfo and the icons.  The dojo-gui command itself comes from the wheel
# (pip install) or the app bundle (make app); this only tells the desktop about it.
#   packaging/install-desktop.sh [PREFIX]      PREFIX defaults to ~/.local (per user); /usr/local for all
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
prefix=${1:-${XDG_DATA_HOME:+$(dirname "$XDG_DATA_HOME")}}
prefix=${prefix:-$HOME/.local}
share=$prefix/share
id=org.dojogui.DojoGui

install -D -m 644 "$here/$id.desktop" "$share/applications/$id.desktop"
install -D -m 644 "$here/$id.mime.xml" "$share/mime/packages/$id.xml"
install -D -m 644 "$here/$id.metainfo.xml" "$share/metainfo/$id.metainfo.xml"
install -D -m 644 "$root/resources/icons/dojo-gui.svg" "$share/icons/hicolor/scalable/apps/$id.svg"
for png in "$root"/resources/icons/dojo-gui-*.png; do
    size=$(basename "$png" .png); size=${size#dojo-gui-}
    install -D -m 644 "$png" "$share/icons/hicolor/${size}x${size}/apps/$id.png"
    install -D -m 644 "$png" "$share/icons/hicolor/${size}x${size}/mimetypes/application-x-dojo-gui.png"
done

# Refresh the caches where the tools exist; a desktop without them reads the files directly.
if command -v update-mime-database >/dev/null 2>&1; then update-mime-database "$share/mime"; fi
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$share/applications" || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t "$share/icons/hicolor" || true; fi
echo "installed the dojo-gui desktop integration under $share"
