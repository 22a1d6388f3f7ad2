#!/usr/bin/env bash
# REST server load figures (docs/benchmarks/server.md): wrk on loopback against the Release server,
# server pinned to core 0, wrk to core 1, rate limiting off.
#   /health; single-point upserts (changing ids, 384-d); search top_k 10 on 10,000 x 384 cosine
#   (WAL on, the default durability) with 1 connection (latency) and 16 (throughput);
#   plus the in-process time of the same search (benchmarks/VelesDb.Benchmarks search-latency).
# Usage: scripts/bench-server.sh [duration-seconds]   (needs wrk, taskset, python3; builds Release)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
POINTS=10000
DIM=384
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is missing (util-linux)" >&2; exit 1; }

dotnet build -c Release src/VelesDb.Server >/dev/null
dotnet build -c Release benchmarks/VelesDb.Benchmarks >/dev/null
SERVER_DLL=src/VelesDb.Server/bin/Release/net10.0/VelesDb.Server.dll
BENCH_DLL=benchmarks/VelesDb.Benchmarks/bin/Release/net10.0/VelesDb.Benchmarks.dll

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
(cd "$WORK" && VELESDB_RATE_LIMIT=0 VELESDB_LOG=warn exec taskset -c 0 dotnet "$OLDPWD/$SERVER_DLL" \
  --data-dir "$WORK/data" --port "$PORT" --host 127.0.0.1 >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
trap 'kill -TERM $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('$BASE/ready')" 2>/dev/null && break
  sleep 0.1
done

# Collections and data (seeded uniform vectors in [-1, 1)).
python3 - "$BASE" "$POINTS" "$DIM" <<'PY'
import json, random, sys, urllib.request
base, points, dim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def post(path, body):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
post("/v1/collections", {"name": "bench", "dimension": dim, "metric": "cosine"})
post("/v1/collections", {"name": "upserts", "dimension": dim, "metric": "cosine"})
rng = random.Random(42)
for start in range(0, points, 1000):
    post("/v1/collections/bench/points", {"points": [
        {"id": i, "vector": [round(rng.uniform(-1, 1), 5) for _ in range(dim)], "payload": {"n": i}}
        for i in range(start, min(points, start + 1000))]})
PY

cat >"$WORK/upsert.lua" <<LUA
local parts = {}
for i = 1, $DIM do parts[i] = string.format("%.4f", math.sin(i)) end
local vector = table.concat(parts, ",")
local id = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  id = id + 1
  return wrk.format(nil, "/v1/collections/upserts/points", nil, '{"points":[{"id":' .. id .. ',"vector":[' .. vector .. ']}]}')
end
LUA
cat >"$WORK/search.lua" <<LUA
math.randomseed(7)
local bodies = {}
for q = 1, 64 do
  local parts = {}
  for i = 1, $DIM do parts[i] = string.format("%.4f", math.random() * 2 - 1) end
  bodies[q] = '{"vector":[' .. table.concat(parts, ",") .. '],"top_k":10}'
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n % 64 + 1
  return wrk.format(nil, "/v1/collections/bench/search", nil, bodies[n])
end
LUA

run() { # name, connections, wrk args...
  local name="$1" conns="$2"; shift 2
  local out="$WORK/wrk-$RANDOM.txt"
  taskset -c 1 wrk -t1 -c"$conns" -d"${DURATION}s" --latency "$@" >"$out"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$conns" "$rps" "$p50" "$p99"
  grep -E "Non-2xx|Socket errors" "$out" >&2 || true
}

echo "| route | connections | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|"
run "GET /v1/health" 1 "$BASE/v1/health"
run "GET /v1/health" 16 "$BASE/v1/health"
run "POST points (1 point, 384-d)" 16 -s "$WORK/upsert.lua" "$BASE"
run "POST search top_k 10" 1 -s "$WORK/search.lua" "$BASE"
run "POST search top_k 10" 16 -s "$WORK/search.lua" "$BASE"

echo
echo "In-process Collection.Search (same shape, one thread, core 0):"
taskset -c 0 dotnet "$BENCH_DLL" search-latency "$POINTS" "$DIM" 5000
