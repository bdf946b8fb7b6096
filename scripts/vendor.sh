#!/bin/sh
# Vendor the front-end libraries of `papermap serve` from the npm registry into the package, so the
# pages work with no internet: papermap/serve/static/vendor/NAME/ gets the built files and the
# licence. Re-run after changing a version; commit the result. Needs npm (only for vendoring).
set -e
DEST="$(cd "$(dirname "$0")/.." && pwd)/papermap/serve/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent leaflet@1.9.4 >/dev/null
tar xzf leaflet-1.9.4.tgz
rm -rf "$DEST/leaflet"
mkdir -p "$DEST/leaflet/images"
cp package/dist/leaflet.js package/dist/leaflet.css package/LICENSE "$DEST/leaflet/"
cp package/dist/images/*.png "$DEST/leaflet/images/"
echo "leaflet 1.9.4 from the npm registry (npm pack leaflet@1.9.4), BSD-2-Clause; see LICENSE" \
    > "$DEST/leaflet/VERSION"
