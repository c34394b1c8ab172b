#!/usr/bin/env bash
# Builds a console app and a worker app outside the repository from the packed packages only (no project
# references, no access to internals), and runs them: the console app configures from JSON,
# synchronizes, reads a resource by key and property name and sees logs and metrics; the worker runs the
# standard job hosted on an interval and reports itself healthy. Then a connection package written outside
# the solution passes the conformance package and runs in the installed tool as a plug-in. Packs first unless artifacts/packages
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

# A connection package written outside the solution (the minimal connection of docs/connections.md): it passes
# the conformance package, is published as a plug-in folder, and the installed identitysync tool loads it
# from the configuration and synchronizes through it.
cp -r build/package-apps/connection "$work/connection"
(cd "$work/connection/JsonLines.Tests" && dotnet test -c Release -p:IdentitySyncVersion="$version" -p:ExtensionsVersion="$extensions" > test.log 2>&1) \
  || { echo "The outside connection does not pass the conformance package:"; cat "$work/connection/JsonLines.Tests/test.log"; exit 1; }
grep -Eq "Passed!.*Passed: +[1-9][0-9]" "$work/connection/JsonLines.Tests/test.log" \
  || { echo "The conformance package ran too few tests:"; cat "$work/connection/JsonLines.Tests/test.log"; exit 1; }
(cd "$work/connection/JsonLines" && dotnet publish -c Release -p:IdentitySyncVersion="$version" -p:ExtensionsVersion="$extensions" -o "$work/plugins/jsonlines" > publish.log 2>&1) \
  || { echo "The outside connection does not publish:"; cat "$work/connection/JsonLines/publish.log"; exit 1; }
[ ! -e "$work/plugins/jsonlines/IdentitySync.Core.dll" ] || { echo "The plug-in folder carries its own IdentitySync.Core"; exit 1; }
dotnet tool install --tool-path "$work/tool" --add-source "$packages" IdentitySync.Cli --version "$version" > "$work/tool-install.log" 2>&1 \
  || { cat "$work/tool-install.log"; exit 1; }
mkdir -p "$work/plugin-run/data"
printf '%s\n' '{"id":"p1","name":"Ann Lee"}' '{"id":"p2","name":"Bob \u00c9tienne"}' > "$work/plugin-run/data/people.jsonl"
cat > "$work/plugin-run/identitysync.json" <<'CONFIG'
{
  "ConnectionPackages": { "JsonLines": "../plugins/jsonlines" },
  "IdentitySync": {
    "EntityTypes": [ { "Name": "Person", "Properties": [ { "Name": "Id" }, { "Name": "Name" } ] } ],
    "Connectors": [
      {
        "Name": "People",
        "Connections": [ { "Name": "Lines", "Package": "JsonLines", "Settings": { "Directory": "data" } } ],
        "Mappings": [
          { "EntityType": "Person", "Connection": "Lines", "Table": "people",
            "Properties": [ { "Property": "Id", "Column": "id", "Key": "Primary" }, { "Property": "Name", "Column": "name" } ] }
        ]
      }
    ]
  }
}
CONFIG
(cd "$work/plugin-run" && ../tool/identitysync validate --connect > run.log 2>&1 && ../tool/identitysync sync --mode initial >> run.log 2>&1 \
  && ../tool/identitysync resources show --entity-type Person --key p2 >> run.log 2>&1 \
  && ../tool/identitysync connections JsonLines >> run.log 2>&1) || { echo "identitysync did not run the plug-in:"; cat "$work/plugin-run/run.log"; exit 1; }
grep -q "Bob Étienne" "$work/plugin-run/run.log" || { echo "The plug-in's rows did not reach the store:"; cat "$work/plugin-run/run.log"; exit 1; }
grep -Eq "JsonLines \(.*plug-in\)" "$work/plugin-run/run.log" || { echo "'identitysync connections' did not list the plug-in:"; cat "$work/plugin-run/run.log"; exit 1; }
echo "A connection package built outside the solution from the $version packages passed the conformance package and ran in identitysync as a plug-in."
