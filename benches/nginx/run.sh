#!/usr/bin/env bash
# nginx: the unicors module against the usual hand-rolled map + add_header
# CORS config giving the same headers, under wrk on loopback, in one run
# (docs/benchmarks.md, row "nginx module" of shared/reference/targets.md).
#
# Usage: bash benches/nginx/run.sh          # ~2 min
# Env:   ROUNDS=5 DURATION=4 CONNECTIONS=16 KINDS="a b c d"
#
# One nginx (1 worker) serves the same small static file from three
# servers: `module` (unicors_policy benches/nginx/policy.toml), `map` (the
# hand-rolled config of benches/nginx/nginx.conf.in) and `plain` (no CORS
# at all, to price the module per request). Each round runs every
# workload against every server back to back, alternating the order, so
# the machine's drift hits both sides alike; the report gives the median
# requests/s with min–max over rounds and the module/map ratio.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/benches/nginx"
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-4}
CONNECTIONS=${CONNECTIONS:-16}
KINDS=${KINDS:-a b c d}
OUT="$ROOT/target/unicors-bench/nginx"
# wrk, nginx and its module build kit: installed with apt-get when missing
# and running as root (a fresh Debian machine), else named.
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx)
[ -d /usr/share/nginx/src ] || missing+=(nginx-dev)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "missing ${missing[*]}: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "== installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package may start a system nginx; it would serve beside the one measured.
  if [[ " ${missing[*]} " == *" nginx "* ]]; then
    service nginx stop >/dev/null 2>&1 || nginx -s quit >/dev/null 2>&1 || true
  fi
fi

MODULE=$("$ROOT/bindings/nginx/build.sh" | tail -n 1)
PFX=$(mktemp -d "${TMPDIR:-/tmp}/unicors-nginx-bench.XXXXXX")
mkdir -p "$PFX/conf" "$PFX/logs" "$PFX/html" "$PFX/tmp" "$OUT"
printf 'hello from the app\n' > "$PFX/html/index.html"
cp "$HERE/policy.toml" "$PFX/conf/policy.toml"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# nginx's worker on CPU 0 and wrk on CPU 1 (when there are two), so the
# scheduler moving them around adds no noise of its own.
PIN_WRK=""; AFFINITY=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then PIN_WRK="taskset -c 1"; AFFINITY="worker_cpu_affinity 01;"; fi
P_MODULE=$(free_port); P_MAP=$(free_port); P_PLAIN=$(free_port)
sed -e "s#@MODULE@#$MODULE#" -e "s#@PFX@#$PFX#g" -e "s#@P_MODULE@#$P_MODULE#" \
    -e "s#@P_MAP@#$P_MAP#" -e "s#@P_PLAIN@#$P_PLAIN#" -e "s#@AFFINITY@#$AFFINITY#" "$HERE/nginx.conf.in" > "$PFX/conf/nginx.conf"

stop() {
  if [ -f "$PFX/logs/nginx.pid" ]; then
    local pid; pid=$(cat "$PFX/logs/nginx.pid")
    kill -QUIT "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$PFX"
}
trap stop EXIT
nginx -p "$PFX" -c conf/nginx.conf -e "$PFX/logs/error.log"
for _ in $(seq 50); do [ -f "$PFX/logs/nginx.pid" ] && break; sleep 0.1; done

# Workloads (the letters of targets.md): (a) allowed preflight, (b) allowed
# GET with ten ordinary browser headers, (c) disallowed origin, (d) no Origin.
BROWSER=(-H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36'
  -H 'Accept: */*' -H 'Accept-Language: en-US,en;q=0.9' -H 'Accept-Encoding: gzip, deflate, br'
  -H 'Referer: https://app.example.com/page' -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Site: cross-site'
  -H 'Sec-Fetch-Dest: empty' -H 'Sec-Ch-Ua-Platform: "Linux"' -H 'Cache-Control: no-cache')
workload() { # kind -> the wrk arguments, in the array EXTRA
  case $1 in
    a) EXTRA=(-s "$HERE/preflight.lua") ;;
    b) EXTRA=(-H 'Origin: https://app.example.com') ;;
    c) EXTRA=(-H 'Origin: https://evil.example.net') ;;
    d) EXTRA=() ;;
  esac
}
: > "$OUT/results.tsv"
check_headers() { # server port: the two CORS servers must answer alike
  local got_module got_map
  got_module=$(curl -si -X OPTIONS "http://127.0.0.1:$P_MODULE/" -H 'Origin: https://app.example.com' \
    -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type' | tr -d '\r' | grep -i '^access-control\|^vary\|^HTTP' | sort)
  got_map=$(curl -si -X OPTIONS "http://127.0.0.1:$P_MAP/" -H 'Origin: https://app.example.com' \
    -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type' | tr -d '\r' | grep -i '^access-control\|^vary\|^HTTP' | sort)
  [ "$got_module" = "$got_map" ] || { echo "the two configs answer a preflight differently:"; echo "$got_module"; echo "---"; echo "$got_map"; exit 1; }
  for origin in https://app.example.com https://evil.example.net; do
    got_module=$(curl -si "http://127.0.0.1:$P_MODULE/" -H "Origin: $origin" | tr -d '\r' | grep -i '^access-control\|^vary\|^HTTP' | sort)
    got_map=$(curl -si "http://127.0.0.1:$P_MAP/" -H "Origin: $origin" | tr -d '\r' | grep -i '^access-control\|^vary\|^HTTP' | sort)
    [ "$got_module" = "$got_map" ] || { echo "the two configs answer $origin differently:"; echo "$got_module"; echo "---"; echo "$got_map"; exit 1; }
  done
  echo "module and map configs send the same status and CORS headers"
}
check_headers

for port in "$P_MODULE" "$P_MAP" "$P_PLAIN"; do # warm-up, not recorded
  $PIN_WRK wrk -t1 -c"$CONNECTIONS" -d1s -s "$HERE/preflight.lua" "http://127.0.0.1:$port/" >/dev/null
done
for round in $(seq "$ROUNDS"); do
  for kind in $KINDS; do
    order=(module map plain)
    (( round % 2 == 0 )) && order=(plain map module)
    for server in "${order[@]}"; do
      case $server in module) port=$P_MODULE ;; map) port=$P_MAP ;; plain) port=$P_PLAIN ;; esac
      workload "$kind"
      rps=$($PIN_WRK wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "${EXTRA[@]}" "${BROWSER[@]}" \
              "http://127.0.0.1:$port/" | awk '/^Requests\/sec/ { print $2 }')
      printf '%s\t%s\t%s\t%s\n' "$round" "$kind" "$server" "$rps" | tee -a "$OUT/results.tsv"
    done
  done
done
python3 "$HERE/report.py" "$OUT/results.tsv"
