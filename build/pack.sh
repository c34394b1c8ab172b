#!/usr/bin/env bash
# Packs every src project into artifacts/packages: a .nupkg and a .snupkg each, with its README.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
output=artifacts/packages
rm -rf "$output"
for project in src/*/*.csproj; do
  dotnet pack "$project" -c Release -o "$output" -p:ContinuousIntegrationBuild=true
done
ls -1 "$output"
