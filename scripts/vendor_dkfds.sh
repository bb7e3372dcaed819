#!/usr/bin/env bash
# Vendor the Danish state design system DKFDS (npm package `dkfds`) into
# adgang/ui/static/dkfds/, keeping only what a server-rendered site needs.
#
# Usage: scripts/vendor_dkfds.sh [VERSION]      (default: the pinned version below)
#
# The target folder is wiped and re-created on every run, so running the script
# twice with the same version gives the same tree. Only the npm registry is
# contacted (via `npm pack`); nothing is installed into node_modules.
set -euo pipefail

PINNED_VERSION="11.2.0"
# npm's sha512 integrity of dkfds-11.2.0.tgz; checked when the pinned version is vendored.
PINNED_INTEGRITY="sha512-JuVf8NjEOeF+TKIhEFXa3BfZvk1ulQM8+XN+6QhgDo6kiwwvupyBY34YU4FglBeyFWHbE5mYDmnrcYTWOSKkEA=="

VERSION="${1:-$PINNED_VERSION}"
# virk.dk is the primary theme (business/authority portal); borger.dk is kept as an alternative.
THEMES=(virkdk borgerdk)
# IBM Plex Sans TTF styles kept for PDF generation (fpdf2 needs TTF). The CSS
# itself only references the Regular TTF.
TTF_STYLES=(Regular Bold)
# DKFDS's LICENSE.md names Apache-2.0 for the icons but the package does not ship
# the licence text; Debian/Ubuntu have it in base-files.
APACHE_LICENSE_FILE="${APACHE_LICENSE_FILE:-/usr/share/common-licenses/Apache-2.0}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$REPO_ROOT/adgang/ui/static/dkfds"

log() { printf '[vendor_dkfds] %s\n' "$*"; }
die() { printf '[vendor_dkfds] ERROR: %s\n' "$*" >&2; exit 1; }

command -v npm >/dev/null || die "npm is required"
command -v node >/dev/null || die "node is required"
[[ -f "$APACHE_LICENSE_FILE" ]] || die "Apache-2.0 licence text not found at $APACHE_LICENSE_FILE (set APACHE_LICENSE_FILE)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- fetch and unpack -------------------------------------------------------
log "npm pack dkfds@$VERSION"
(cd "$WORK" && npm pack --silent --json "dkfds@$VERSION" >pack.json)
read -r TARBALL INTEGRITY < <(node -e '
  const p = require(process.argv[1])[0];
  console.log(p.filename + " " + p.integrity);
' "$WORK/pack.json")
log "tarball: $TARBALL"
log "integrity: $INTEGRITY"
if [[ "$VERSION" == "$PINNED_VERSION" && "$INTEGRITY" != "$PINNED_INTEGRITY" ]]; then
  die "integrity mismatch for pinned dkfds@$PINNED_VERSION (expected $PINNED_INTEGRITY)"
fi
tar -xzf "$WORK/$TARBALL" -C "$WORK"
PKG="$WORK/package"
DIST="$PKG/dist"
PKG_VERSION="$(node -p 'require(process.argv[1]).version' "$PKG/package.json")"
[[ "$PKG_VERSION" == "$VERSION" ]] || die "package.json says $PKG_VERSION, expected $VERSION"

# --- reset the target ---------------------------------------------------------
[[ "$TARGET" == */adgang/ui/static/dkfds ]] || die "refusing to wipe unexpected path $TARGET"
log "wiping $TARGET"
rm -rf "$TARGET"
mkdir -p "$TARGET"

# copy_dist REL: copy dist/REL to TARGET/REL, keeping the relative layout the CSS relies on.
copy_dist() {
  local rel="$1"
  [[ -f "$DIST/$rel" ]] || die "missing in package: dist/$rel"
  mkdir -p "$TARGET/$(dirname "$rel")"
  cp "$DIST/$rel" "$TARGET/$rel"
}

# Source maps are not vendored, so the trailing sourceMappingURL comments are
# removed: Django's ManifestStaticFilesStorage (whitenoise) resolves them and
# collectstatic would fail on the missing .map files.
strip_source_map_comment() {
  sed -i -e '/^\/\*# sourceMappingURL=.*\*\/$/d' -e '/^\/\/# sourceMappingURL=.*$/d' "$1"
  ! grep -q 'sourceMappingURL' "$1" || die "could not strip sourceMappingURL from $1"
}

# --- CSS and everything it references ------------------------------------------
declare -A REFERENCED=()
for theme in "${THEMES[@]}"; do
  css="css/dkfds-$theme.min.css"
  copy_dist "$css"
  strip_source_map_comment "$TARGET/$css"
  log "css: $css"
  while IFS= read -r ref; do
    ref="${ref#url(}"; ref="${ref%)}"
    ref="${ref#[\"\']}"; ref="${ref%[\"\']}"
    ref="${ref%%[?#]*}"
    case "$ref" in ''|data:*|http:*|https:*|//*|/*) continue ;; esac
    rel="$(realpath -m --relative-to="$DIST" "$DIST/css/$ref")"
    [[ "$rel" != ..* ]] || die "$css references a file outside dist/: $ref"
    REFERENCED["$rel"]=1
  done < <(grep -o 'url([^)]*)' "$TARGET/$css")
done
for rel in $(printf '%s\n' "${!REFERENCED[@]}" | sort); do
  copy_dist "$rel"
done
log "assets referenced by the CSS: ${#REFERENCED[@]} files (fonts, icons, logos)"

# --- JS -----------------------------------------------------------------------
copy_dist "js/dkfds.min.js"
strip_source_map_comment "$TARGET/js/dkfds.min.js"
log "js: js/dkfds.min.js"

# --- SVG sprite for <svg class="icon-svg"><use href="...#name"></use></svg> -----
copy_dist "img/all-svg-icons.svg"
log "icon sprite: img/all-svg-icons.svg"

# --- TTFs for PDF generation ----------------------------------------------------
for style in "${TTF_STYLES[@]}"; do
  copy_dist "fonts/IBMPlexSans/complete/ttf/IBMPlexSans-$style.ttf"
  log "ttf: fonts/IBMPlexSans/complete/ttf/IBMPlexSans-$style.ttf"
done

# --- licences -----------------------------------------------------------------
# The OFL text ships next to each font format; keep it beside every vendored font folder.
while IFS= read -r dir; do
  rel="${dir#"$TARGET"/}"
  copy_dist "$rel/license.txt"
done < <(find "$TARGET/fonts" -name '*.*' -type f -printf '%h\n' | sort -u)
cp "$PKG/LICENSE.md" "$TARGET/LICENSE.md"
cp "$DIST/fonts/IBMPlexSans/complete/ttf/license.txt" "$TARGET/LICENSE-IBMPlexSans-OFL-1.1.txt"
cp "$APACHE_LICENSE_FILE" "$TARGET/LICENSE-Apache-2.0.txt"
log "licences: LICENSE.md (MIT + notices), LICENSE-IBMPlexSans-OFL-1.1.txt, LICENSE-Apache-2.0.txt"

printf '%s\n' "$VERSION" >"$TARGET/VERSION"

# --- README (generated so that it always matches the vendored version) ----------
cat >"$TARGET/README.md" <<EOF
# DKFDS $VERSION (vendored)

[Det Fælles Designsystem](https://designsystem.dk/) (npm package \`dkfds\`, version
$VERSION, integrity \`$INTEGRITY\`), trimmed to what the server-rendered site needs.
Do not edit these files by hand: re-run the script instead.

## What is here

| path (under \`static/dkfds/\`) | what |
|---|---|
| \`css/dkfds-virkdk.min.css\` | compiled CSS, virk.dk theme (the one we use) |
| \`css/dkfds-borgerdk.min.css\` | compiled CSS, borger.dk theme (alternative) |
| \`js/dkfds.min.js\` | compiled JS (UMD; exposes \`window.DKFDS\`, call \`DKFDS.init()\`) |
| \`img/all-svg-icons.svg\` | SVG sprite: \`<svg class="icon-svg"><use href="…/all-svg-icons.svg#NAME"></use></svg>\` |
| \`img/svg-icons/*.svg\`, \`img/logo*\` | single icons and logos referenced by the CSS (\`.icon-NAME\`, header logo) |
| \`fonts/IBMPlexSans/complete/{woff2,woff,eot,ttf}/\` | IBM Plex Sans files referenced by the CSS \`@font-face\` rules |
| \`fonts/IBMPlexSans/complete/ttf/IBMPlexSans-{Regular,Bold}.ttf\` | TTFs for PDF generation (fpdf2) |
| \`VERSION\` | the vendored version |

Relative paths are those of the package's \`dist/\`, so the CSS \`url(../fonts/…)\` and
\`url(../img/…)\` references resolve. Left out: source maps, SCSS/JS sources, the
un-minified and default-theme CSS, unused font formats and weights. The trailing
\`sourceMappingURL\` comments are removed from the CSS and JS (the maps are not
vendored, and Django's manifest static storage would fail on them).

## Re-vendor

    scripts/vendor_dkfds.sh            # pinned version ($PINNED_VERSION)
    scripts/vendor_dkfds.sh 11.3.0     # another version

The script needs \`npm\` and \`node\` and the npm registry; it wipes this folder,
re-creates it, and checks the tarball integrity for the pinned version.

## Licences

- DKFDS code and styles: MIT, Copyright 2021 Danish Business Authority & Danish Agency
  for Digitisation — see \`LICENSE.md\` (the package's own licence file).
- IBM Plex Sans fonts: SIL Open Font License 1.1, Copyright 2017 IBM Corp., Reserved
  Font Name "Plex" — \`LICENSE-IBMPlexSans-OFL-1.1.txt\`, and \`license.txt\` beside the fonts.
- Icons (Material Symbols, Pictogrammers MDI, and DKFDS icons derived from them):
  Apache License 2.0 — \`LICENSE-Apache-2.0.txt\` (the package names the licence but does
  not ship its text; copied from Debian's base-files); the per-icon list is in \`LICENSE.md\`.
EOF

# --- report -------------------------------------------------------------------
log "vendored dkfds@$VERSION into ${TARGET#"$REPO_ROOT"/}:"
(cd "$TARGET" && find . -type f ! -path './img/svg-icons/*' -printf '%10s  %P\n' | sort -k2)
icons_count="$(find "$TARGET/img/svg-icons" -type f | wc -l)"
icons_bytes="$(find "$TARGET/img/svg-icons" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')"
printf '%10s  %s\n' "$icons_bytes" "img/svg-icons/ ($icons_count icons)"
log "total: $(find "$TARGET" -type f | wc -l) files, $(du -sh "$TARGET" | cut -f1)"
