#!/usr/bin/env bash
# The benchmarks: the end-to-end scenarios (G1 complete load, G2 same files again, G3 1 % changed)
# at the given number of accounts (default 1,000,000 with 10 memberships each; G5 is
# `build/bench.sh 10000000`), then the BenchmarkDotNet micro-benchmarks (skip with SKIP_MICRO=1).
# Results go to benchmarks/results as JSON and markdown, with the machine they ran on.
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-1000000}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build benchmarks/IdentitySync.Benchmarks -c Release -v quiet
dll=artifacts/bin/IdentitySync.Benchmarks/release/IdentitySync.Benchmarks.dll
dotnet "$dll" scenario --accounts "$accounts" --out benchmarks/results
if [ "${SKIP_MICRO:-0}" != 1 ]; then
  dotnet "$dll" --filter '*' --job Short --inProcess --artifacts artifacts/benchmarkdotnet --exporters github
  mkdir -p benchmarks/results/micro
  cp artifacts/benchmarkdotnet/results/*-report-github.md benchmarks/results/micro/
fi
