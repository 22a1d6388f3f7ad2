#!/usr/bin/env bash
# Runs every check of the project: formatting, a warnings-as-errors Release build, and all tests
# (the kill -9 crash trials included, 50 of them by default; VELESDB_CRASH_TRIALS=N for more).
# Prints the test runners' totals as a final "N passed, N failed, N skipped" line.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet SDK 10 not found; install it (e.g. apt-get install dotnet-sdk-10.0) and retry" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== restore"
dotnet restore VelesDb.slnx --nologo -v quiet

echo "== format (verify)"
dotnet format VelesDb.slnx --verify-no-changes --no-restore

echo "== build (Release, warnings as errors)"
dotnet build VelesDb.slnx -c Release --no-restore --nologo -v quiet -warnaserror

echo "== test"
export VELESDB_CRASH_SUMMARY="$PWD/artifacts/crash-summary.txt"
mkdir -p artifacts && rm -f "$VELESDB_CRASH_SUMMARY"
status=0
dotnet test VelesDb.slnx -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?

echo "== example smoke run (examples/Quickstart)"
qs_dir=$(mktemp -d)
if dotnet run -c Release --no-build --project examples/Quickstart -- "$qs_dir" > "$qs_dir.out" 2>&1 \
   && grep -q "Top 3 where lang = 'en'" "$qs_dir.out"; then
  echo "quickstart ok"
else
  cat "$qs_dir.out"; echo "quickstart FAILED" >&2; status=1
fi
rm -rf "$qs_dir" "$qs_dir.out"

if [ -f "$VELESDB_CRASH_SUMMARY" ]; then
  echo "== crash trials"
  cat "$VELESDB_CRASH_SUMMARY"
fi

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
