#!/usr/bin/env bash
# Refresh the dashboard's vendored JavaScript from the npm registry (run by hand, on demand).
# The built files and their licences are committed under src/lanxi/web/static/vendor/, so the
# dashboard never loads anything from outside the machine at run time.
# Usage: bash scripts/vendor-web.sh [ECHARTS_VERSION] [LEAFLET_VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
echarts=${1:-6.1.0}
leaflet=${2:-1.9.4}
dest=src/lanxi/web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@$echarts" "leaflet@$leaflet" >/dev/null)
mkdir -p "$tmp/e" "$tmp/l"
tar -xzf "$tmp/echarts-$echarts.tgz" -C "$tmp/e"
tar -xzf "$tmp/leaflet-$leaflet.tgz" -C "$tmp/l"
rm -rf "$dest/echarts" "$dest/leaflet"
mkdir -p "$dest/echarts" "$dest/leaflet/images"
cp "$tmp/e/package/dist/echarts.min.js" "$tmp/e/package/LICENSE" "$tmp/e/package/NOTICE" "$dest/echarts/"
cp "$tmp/l/package/dist/leaflet.js" "$tmp/l/package/dist/leaflet.css" "$tmp/l/package/LICENSE" "$dest/leaflet/"
cp "$tmp/l/package/dist/images/"*.png "$dest/leaflet/images/"
printf 'echarts %s\nleaflet %s\n' "$echarts" "$leaflet" > "$dest/VERSIONS"
echo "vendored echarts $echarts and leaflet $leaflet into $dest"
