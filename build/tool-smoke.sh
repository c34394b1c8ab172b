#!/usr/bin/env bash
# Packs the packages, installs the identitysync tool from them into a temporary tool path, and runs
# the demo with it: the tool works as users install it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash build/pack.sh > "$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' build/Version.props)
suffix=$(sed -n 's:.*<VersionSuffix>\(.*\)</VersionSuffix>.*:\1:p' build/Version.props)
[ -z "$suffix" ] || version="$version-$suffix"
dotnet tool install --tool-path "$work/tool" --add-source artifacts/packages IdentitySync.Cli --version "$version" > "$work/install.log" 2>&1 \
  || { cat "$work/install.log"; exit 1; }
(cd "$work" && ./tool/identitysync demo > demo.log 2>&1) || { cat "$work/demo.log"; exit 1; }
grep -q "Step 4." "$work/demo.log" || { echo "The installed tool's demo did not reach its last step:"; cat "$work/demo.log"; exit 1; }
echo "identitysync $version packed, installed and ran the demo."
