#!/usr/bin/env bash
# Quickstart: the whole flow in one command, on a machine that has only the .NET SDK.
#   1. finds or starts Redis: FEATURESTORE_REDIS if set; else a local redis-server from PATH on a free port
#      (installed with apt-get when missing and possible); else says how to get one and exits non-zero
#   2. generates the sample data, applies definitions/, materializes up to now
#   3. starts the feature server, prints a sample curl call and its answer, and serves until Ctrl+C
# Ports: FEATURESTORE_HTTP_PORT (default 6566), FEATURESTORE_GRPC_PORT (default 6570).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$root/definitions"
http_port="${FEATURESTORE_HTTP_PORT:-6566}"
grpc_port="${FEATURESTORE_GRPC_PORT:-6570}"

redis_pid=""
redis_dir=""
server_pid=""

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
    say "stopping the quickstart's redis-server (pid $redis_pid)"
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -n "$redis_dir" ]; then rm -rf "$redis_dir"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# True when something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for_port() { # host port seconds
  local deadline=$((SECONDS + $3))
  until port_open "$1" "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }

apt_updated=0
apt_install() { # apt_install PACKAGE: installs a Debian package when apt-get and root (or sudo) are available
  command -v apt-get >/dev/null 2>&1 || return 1
  say "$1 is not installed; installing it with apt-get"
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq || return 1; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"
if ! command -v curl >/dev/null 2>&1; then
  apt_install curl || fail "curl is needed for the sample call; install it (Debian: apt-get install -y curl)"
fi

# --- 1. Redis --------------------------------------------------------------------------------------------------
if [ -n "${FEATURESTORE_REDIS:-}" ]; then
  say "using Redis from FEATURESTORE_REDIS ($FEATURESTORE_REDIS)"
else
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server || true
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    cat >&2 <<'EOF'
error: no Redis found. Either
  - point the quickstart at a running Redis 7+:   FEATURESTORE_REDIS=localhost:6379 bash definitions/quickstart.sh
  - or install redis-server (Debian/Ubuntu):      sudo apt-get install -y redis-server
  - or run one in Docker:                         docker run -d -p 6379:6379 redis:7
EOF
    exit 1
  fi
  redis_major="$(redis-server --version | sed -n 's/.* v=\([0-9]*\)\..*/\1/p')"
  if [ -n "$redis_major" ] && [ "$redis_major" -lt 7 ]; then
    fail "redis-server $(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p') is too old: the online store needs Redis 7+ (set FEATURESTORE_REDIS to a Redis 7 server)"
  fi
  port=6390
  while port_open 127.0.0.1 "$port"; do port=$((port + 1)); done
  redis_dir="$(mktemp -d -t featurestore-quickstart-redis.XXXXXX)"
  say "starting redis-server on 127.0.0.1:$port (stopped when the quickstart exits)"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" \
    >"$redis_dir/redis.log" 2>&1 &
  redis_pid=$!
  wait_for_port 127.0.0.1 "$port" 15 || { cat "$redis_dir/redis.log" >&2; fail "redis-server did not start"; }
  export FEATURESTORE_REDIS="127.0.0.1:$port"
fi

# --- 2. Build, sample data, apply, materialize -------------------------------------------------------------------
say "building (Release)"
dotnet build "$root/materializer/FeatureStore.Materializer.csproj" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/server/FeatureStore.Server/FeatureStore.Server.csproj" -c Release -v quiet -nologo >/dev/null
target_path() { dotnet msbuild "$1" -getProperty:TargetPath -p:Configuration=Release -nologo; }
cli_dll="$(target_path "$root/materializer/FeatureStore.Materializer.csproj")"
server_dll="$(target_path "$root/server/FeatureStore.Server/FeatureStore.Server.csproj")"
featurestore() { dotnet "$cli_dll" "$@"; }

say "featurestore sample-data --repo definitions"
featurestore sample-data --repo "$repo"
say "featurestore apply --repo definitions"
featurestore apply --repo "$repo"
say "featurestore materialize-incremental --repo definitions --end now"
featurestore materialize-incremental --repo "$repo" --end now

# --- 3. Serve ------------------------------------------------------------------------------------------------------
if port_open 127.0.0.1 "$http_port" || port_open 127.0.0.1 "$grpc_port"; then
  fail "port $http_port or $grpc_port is already in use; set FEATURESTORE_HTTP_PORT / FEATURESTORE_GRPC_PORT"
fi
say "starting the feature server (HTTP $http_port, gRPC $grpc_port)"
dotnet "$server_dll" --repo "$repo" --http-port "$http_port" --grpc-port "$grpc_port" &
server_pid=$!
deadline=$((SECONDS + 60))
until curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null 2>&1; do
  kill -0 "$server_pid" 2>/dev/null || fail "the feature server exited; see its log above"
  [ "$SECONDS" -lt "$deadline" ] || fail "the feature server did not answer on port $http_port within 60 s"
  sleep 0.3
done

body='{"features": ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips"], "entities": {"driver_id": [1001, 1002]}}'
echo
say "sample call"
echo "curl -s -X POST http://127.0.0.1:$http_port/get-online-features -d '$body'"
echo
answer="$(curl -sS -X POST "http://127.0.0.1:$http_port/get-online-features" -d "$body")"
if command -v jq >/dev/null 2>&1; then echo "$answer" | jq .; else echo "$answer"; fi
echo
say "serving: HTTP http://127.0.0.1:$http_port (POST /get-online-features, GET /health, GET /metrics), gRPC 127.0.0.1:$grpc_port (featurestore.v1.FeatureServing, reflection on). Ctrl+C to stop."
wait "$server_pid"
