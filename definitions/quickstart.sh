#!/usr/bin/env bash
# Quickstart: the whole flow in one command, on a machine that has only the .NET SDK (no root, no apt-get).
#   1. online store: the embedded one (Garnet, hosted in-process by the first command that needs it, data under
#      definitions/.featurestore/online); FEATURESTORE_REDIS=host:port switches to a running Redis 7+ instead
#   2. generates the sample data, applies definitions/, materializes up to now (incrementally: the embedded store
#      keeps its data between runs)
#   3. starts the feature server, prints a sample curl call and its answer, and serves until Ctrl+C
# Ports: FEATURESTORE_HTTP_PORT (default 6566), FEATURESTORE_GRPC_PORT (default 6570).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$root/definitions"
http_port="${FEATURESTORE_HTTP_PORT:-6566}"
grpc_port="${FEATURESTORE_GRPC_PORT:-6570}"

server_pid=""

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    # SIGTERM: the server checkpoints the embedded store before it exits.
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# True when something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# POSTs a JSON body with curl when there is one, else with bash's /dev/tcp (HTTP/1.0, loopback only).
post_json() { # post_json PORT PATH BODY
  if command -v curl >/dev/null 2>&1; then
    curl -sS -X POST "http://127.0.0.1:$1$2" -d "$3"
  else
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'POST %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n%s' "$2" "${#3}" "$3" >&3
    sed '1,/^\r$/d' <&3
    exec 3<&-
  fi
}

http_ok() { # http_ok PORT PATH: true on a 200 answer
  if command -v curl >/dev/null 2>&1; then
    curl -fsS "http://127.0.0.1:$1$2" >/dev/null 2>&1
  else
    { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    local status_line
    IFS= read -r status_line <&3 || true
    exec 3<&-
    case "$status_line" in *" 200 "*) return 0 ;; *) return 1 ;; esac
  fi
}

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"

# --- 1. Online store ---------------------------------------------------------------------------------------------
if [ -n "${FEATURESTORE_REDIS:-}" ]; then
  say "online store: Redis from FEATURESTORE_REDIS ($FEATURESTORE_REDIS)"
else
  say "online store: embedded (Garnet in-process), data in definitions/.featurestore/online"
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
if [ -n "${FEATURESTORE_REDIS:-}" ]; then
  # Watermarks live in the repository's registry, not in the store: a Redis this repository has not written to
  # (or one that started empty) gets the whole sample window, not only what is new since the last run.
  say "featurestore materialize --repo definitions --start 2000-01-01T00:00:00Z --end now"
  featurestore materialize --repo "$repo" --start 2000-01-01T00:00:00Z --end now
else
  say "featurestore materialize-incremental --repo definitions --end now"
  featurestore materialize-incremental --repo "$repo" --end now
fi

# --- 3. Serve ------------------------------------------------------------------------------------------------------
if port_open 127.0.0.1 "$http_port" || port_open 127.0.0.1 "$grpc_port"; then
  fail "port $http_port or $grpc_port is already in use; set FEATURESTORE_HTTP_PORT / FEATURESTORE_GRPC_PORT"
fi
say "starting the feature server (HTTP $http_port, gRPC $grpc_port)"
dotnet "$server_dll" --repo "$repo" --http-port "$http_port" --grpc-port "$grpc_port" &
server_pid=$!
deadline=$((SECONDS + 60))
until http_ok "$http_port" /health; do
  kill -0 "$server_pid" 2>/dev/null || fail "the feature server exited; see its log above"
  [ "$SECONDS" -lt "$deadline" ] || fail "the feature server did not answer on port $http_port within 60 s"
  sleep 0.3
done

body='{"features": ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips"], "entities": {"driver_id": [1001, 1002]}}'
echo
say "sample call"
echo "curl -s -X POST http://127.0.0.1:$http_port/get-online-features -d '$body'"
echo
answer="$(post_json "$http_port" /get-online-features "$body")"
if command -v jq >/dev/null 2>&1; then echo "$answer" | jq .; else echo "$answer"; fi
echo
say "serving: HTTP http://127.0.0.1:$http_port (POST /get-online-features, GET /health, GET /metrics), gRPC 127.0.0.1:$grpc_port (featurestore.v1.FeatureServing, reflection on). Ctrl+C to stop."
wait "$server_pid"
