#!/usr/bin/env bash
# Builds ngx_http_unicors_module.so against the installed nginx (Debian's
# nginx-dev: headers and build system under /usr/share/nginx/src), the way
# Debian builds its libnginx-mod-* packages: the same ./configure flags as
# the nginx binary (so --with-compat matches), libunicors linked
# statically. Nothing is written under /usr/share/nginx/src.
#
#   bindings/nginx/build.sh            # prints the module's path last
#
# Output: target/nginx/ngx_http_unicors_module.so. Needs cargo, gcc, make
# and nginx-dev (apt-get install nginx nginx-dev).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC=/usr/share/nginx/src
BUILD="$ROOT/target/nginx/build"
OUT="$ROOT/target/nginx"

[ -f "$SRC/conf_flags" ] || { echo "nginx-dev is missing: apt-get install nginx nginx-dev" >&2; exit 1; }

(cd "$ROOT" && cargo build --quiet --locked --release -p unicors-ffi)
export UNICORS_LIB="$ROOT/target/release/libunicors.a"

rm -rf "$BUILD"
mkdir -p "$BUILD"
cd "$SRC"
# shellcheck disable=SC1091
. ./conf_flags
cflags="$(dpkg-buildflags --get CFLAGS) -fPIC $(dpkg-buildflags --get CPPFLAGS) -Wall -Wextra -Wno-unused-parameter -Werror"
ldflags="$(dpkg-buildflags --get LDFLAGS) -fPIC"
./configure --with-cc-opt="$cflags" --with-ld-opt="$ldflags" "${NGX_CONF_FLAGS[@]}" \
    --add-dynamic-module="$ROOT/bindings/nginx" --builddir="$BUILD" >"$BUILD/../configure.log" 2>&1 \
    || { tail -n 30 "$BUILD/../configure.log" >&2; exit 1; }
make -s -f "$BUILD/Makefile" -C "$SRC" modules >"$BUILD/../make.log" 2>&1 \
    || { grep -E 'error|warning' "$BUILD/../make.log" | head -n 40 >&2; tail -n 20 "$BUILD/../make.log" >&2; exit 1; }

cp "$BUILD/ngx_http_unicors_module.so" "$OUT/ngx_http_unicors_module.so"
echo "$OUT/ngx_http_unicors_module.so"
