#!/bin/sh
# Vendors GOV.UK Frontend (https://frontend.design-system.service.gov.uk/) into
# server/assets/govuk/, which the server compiles in and serves under /assets/govuk/.
#
#   server/assets/update-govuk-frontend.sh [VERSION]     (default: the latest 5.x)
#
# Needs npm (and node). It fetches the `govuk-frontend` package from the npm registry and builds
# its Sass once with the `sass` package, because the GDS Transport font may only be used by
# services on gov.uk domains: the build sets
#   $govuk-font-family: arial, sans-serif;  $govuk-include-default-font-face: false;
# so the stylesheet names no font files, and $govuk-assets-path: "/assets/govuk/", so the images
# it refers to are served from there. It copies the package's JavaScript as it is (without the
# source map comment: the map is not vendored) and every file the stylesheet refers to, and
# writes the version to VERSION. LICENSE.txt (MIT, Crown Copyright) is kept as it is: the npm
# package does not ship it, it is the licence of the alphagov/govuk-frontend repository.
# After running it: cargo test -p wsoa-server --test web assets, then look at the pages.
set -eu

version="${1:-5}"
sass_version="1.108.2"
here=$(cd "$(dirname "$0")" && pwd)
out="$here/govuk"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

cd "$work"
npm pack --silent "govuk-frontend@$version" >/dev/null
tar xzf govuk-frontend-*.tgz
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "sass@$sass_version" >/dev/null

cat > build.scss <<'SCSS'
$govuk-font-family: arial, sans-serif;
$govuk-include-default-font-face: false;
$govuk-assets-path: "/assets/govuk/";
@import "package/dist/govuk/index";
SCSS
npx sass --style=compressed --no-source-map --quiet --silence-deprecation=import \
  build.scss govuk-frontend.min.css

if grep -q 'woff\|GDS Transport' govuk-frontend.min.css; then
  echo "the built stylesheet still refers to the GDS Transport font" >&2
  exit 1
fi

mkdir -p "$out"
find "$out" -mindepth 1 ! -name LICENSE.txt -exec rm -rf {} +
cp govuk-frontend.min.css "$out/"
sed 's,//# sourceMappingURL=.*$,,' package/dist/govuk/govuk-frontend.min.js > "$out/govuk-frontend.min.js"
# Every file the stylesheet refers to, at the path it uses under /assets/govuk/.
grep -o 'url("*/assets/govuk/[^")]*' govuk-frontend.min.css | sed 's|^url("*/assets/govuk/||' | sort -u |
  while read -r path; do
    mkdir -p "$out/$(dirname "$path")"
    cp "package/dist/govuk/assets/$path" "$out/$path"
  done
node -p 'require("./package/package.json").version' > "$out/VERSION"
echo "GOV.UK Frontend $(cat "$out/VERSION") vendored in $out"
