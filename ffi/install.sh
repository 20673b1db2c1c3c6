#!/usr/bin/env bash
# Builds libunicors (release) and installs the header, both libraries and
# a pkg-config file under PREFIX:
#
#   ffi/install.sh /usr/local            # or: PREFIX=/opt/unicors ffi/install.sh
#   cc app.c $(pkg-config --cflags --libs unicors)            # shared
#   cc app.c $(pkg-config --cflags --libs unicors-static)     # static
#
# Layout: PREFIX/include/unicors.h, PREFIX/lib/libunicors.so.X.Y.Z with
# libunicors.so.X (the SONAME) and libunicors.so links, PREFIX/lib/libunicors.a,
# PREFIX/lib/pkgconfig/unicors.pc (Libs.private for `--static`) and
# unicors-static.pc (links the archive whatever else is installed).
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX="${1:-${PREFIX:-/usr/local}}"
LIBDIR="${LIBDIR:-$PREFIX/lib}"
INCLUDEDIR="${INCLUDEDIR:-$PREFIX/include}"

version=$(sed -n 's/^#define UNICORS_VERSION_STRING "\(.*\)"$/\1/p' include/unicors.h)
major=${version%%.*}
[ -n "$version" ] || { echo "install.sh: no UNICORS_VERSION_STRING in include/unicors.h" >&2; exit 1; }

cargo build --locked --release -p unicors-ffi
# What a static link needs besides libunicors.a, as rustc reports it.
native=$(cargo rustc --locked --release -q -p unicors-ffi --lib --crate-type staticlib -- --print native-static-libs 2>&1 \
  | sed -n 's/.*native-static-libs: //p' | tail -1)
[ -n "$native" ] || native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

install -d "$INCLUDEDIR" "$LIBDIR/pkgconfig"
install -m 0644 include/unicors.h "$INCLUDEDIR/unicors.h"
# Debug info stays in the build tree; the installed library keeps its symbols.
install -m 0755 target/release/libunicors.so "$LIBDIR/libunicors.so.$version"
strip --strip-debug "$LIBDIR/libunicors.so.$version" 2>/dev/null || true
ln -sf "libunicors.so.$version" "$LIBDIR/libunicors.so.$major"
ln -sf "libunicors.so.$major" "$LIBDIR/libunicors.so"
install -m 0644 target/release/libunicors.a "$LIBDIR/libunicors.a"

cat > "$LIBDIR/pkgconfig/unicors.pc" <<PC
prefix=$PREFIX
libdir=$LIBDIR
includedir=$INCLUDEDIR

Name: unicors
Description: One CORS decision engine for every server (Fetch standard CORS decisions)
URL: https://github.com/unicors/unicors
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lunicors
Libs.private: $native
PC

cat > "$LIBDIR/pkgconfig/unicors-static.pc" <<PC
prefix=$PREFIX
libdir=$LIBDIR
includedir=$INCLUDEDIR

Name: unicors-static
Description: unicors, linked statically (libunicors.a)
Version: $version
Cflags: -I\${includedir}
Libs: \${libdir}/libunicors.a $native
PC

echo "installed unicors $version under $PREFIX (header, libunicors.so.$major, libunicors.a, pkgconfig/unicors.pc and unicors-static.pc)"
