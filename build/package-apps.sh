#!/usr/bin/env bash
# Builds a console app and a worker app outside the repository from the packed packages only (no project
# references, no access to internals), and runs them: the console app configures from JSON,
# synchronizes, reads a resource by key and property name and sees logs and metrics; the worker runs the
# standard job hosted on an interval and reports itself healthy. Packs first unless artifacts/packages
# holds this version already (build/tool-smoke.sh packs).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' build/Version.props)
suffix=$(sed -n 's:.*<VersionSuffix>\(.*\)</VersionSuffix>.*:\1:p' build/Version.props)
[ -z "$suffix" ] || version="$version-$suffix"
extensions=$(sed -n 's:.*<MicrosoftExtensionsVersion>\(.*\)</MicrosoftExtensionsVersion>.*:\1:p' Directory.Packages.props)
if [ ! -e "artifacts/packages/IdentitySync.Core.$version.nupkg" ]; then
  bash build/pack.sh > /dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=$(pwd)/artifacts/packages
cat > "$work/NuGet.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="identitysync-packed" value="$packages" />
  </packageSources>
</configuration>
CONFIG
# A private package folder: the global one may hold an earlier pack of the same version.
export NUGET_PACKAGES="$work/nuget-packages"

for app in console worker; do
  cp -r "build/package-apps/$app" "$work/$app"
  cp -r samples/IdentitySync.Samples.Worker/hr "$work/$app/hr"
done
cp samples/IdentitySync.Samples.Worker/Program.cs "$work/worker/Program.cs"

for app in console worker; do
  (cd "$work/$app" && dotnet build -c Release -p:IdentitySyncVersion="$version" -p:ExtensionsVersion="$extensions" -o out > build.log 2>&1) \
    || { echo "The $app app does not build from the packed packages:"; cat "$work/$app/build.log"; exit 1; }
done

(cd "$work/console/out" && dotnet PackageApps.Console.dll > run.log 2>&1) || { echo "The console app failed:"; cat "$work/console/out/run.log"; exit 1; }
grep -q "read: 1001 Carol Graham" "$work/console/out/run.log" || { echo "The console app did not read the resource:"; cat "$work/console/out/run.log"; exit 1; }
grep -q "IdentitySync.Synchronization.SyncEngine\[1001\]" "$work/console/out/run.log" || { echo "The console app saw no sync log event:"; cat "$work/console/out/run.log"; exit 1; }

# The worker runs until stopped: give it time for a few two-second runs, then stop it as a service manager would.
(cd "$work/worker/out" && timeout -s INT 25 dotnet PackageApps.Worker.dll > run.log 2>&1) || true
grep -q "ended Succeeded" "$work/worker/out/run.log" || { echo "The worker ran no job:"; cat "$work/worker/out/run.log"; exit 1; }
grep -q "Health: Healthy" "$work/worker/out/run.log" || { echo "The worker was not healthy:"; cat "$work/worker/out/run.log"; exit 1; }
echo "A console app and a worker app built from the IdentitySync $version packages synchronized, read, logged, measured and ran jobs hosted."
