#!/usr/bin/env bash
# The one test command: restore, build Release, run every test project, print "N passed, N failed".
# Run as root on a fresh machine, it installs the system packages the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages that test suites start on loopback: PostgreSQL for the PostgreSQL store, OpenLDAP
# (with its command-line tools, and openssl for the test CA) for the LDAP connection.
required_packages=(postgresql slapd ldap-utils openssl)
missing=()
for package in "${required_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing ${missing[*]}..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need these Debian packages: ${missing[*]}. Install them (as root) and run again." >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Throwaway PostgreSQL and OpenLDAP servers on loopback for the store's and the connection's tests,
# stopped however the script ends.
source build/postgres.sh
source build/slapd.sh
source build/disks.sh
trap 'stop_postgres; stop_slapd; stop_test_disks' EXIT
start_postgres
start_slapd
start_test_disks
results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet restore IdentitySync.Core.sln
dotnet build IdentitySync.Core.sln -c Release --no-restore

# The synchronization fuzz test (SyncFuzzTests) runs 5,000 mutated exports from this seed; a failure
# replays with IDENTITYSYNC_FUZZ_SEED=<seed> build/test.sh, and IDENTITYSYNC_FUZZ_INPUTS runs more.
export IDENTITYSYNC_FUZZ_SEED=${IDENTITYSYNC_FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "fuzz seed: $IDENTITYSYNC_FUZZ_SEED, ${IDENTITYSYNC_FUZZ_INPUTS:-5000} inputs"

status=0
dotnet test IdentitySync.Core.sln -c Release --no-build --filter "TestCategory!=ServerRestart" \
  --logger "trx" --results-directory "$results" -- NUnit.DefaultTimeout=600000 || status=$?

# Tests that restart the shared PostgreSQL server run alone, once nothing else uses it.
dotnet test tests/IdentitySync.Storage.PostgreSql.Tests -c Release --no-build --filter "TestCategory=ServerRestart" \
  --logger "trx;LogFileName=server-restart.trx" --results-directory "$results" -- NUnit.DefaultTimeout=600000 || status=$?

passed=0
failed=0
skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

# Checks beyond the test projects, each counted as one test.
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    failed=$((failed + 1))
  fi
}

# The benchmarks never rot: the scenario runner and every micro-benchmark run at a tiny size, untimed.
bench=artifacts/bin/IdentitySync.Benchmarks/release/IdentitySync.Benchmarks.dll
check "benchmark scenarios at 2,000 accounts" dotnet "$bench" scenario --accounts 2000
check "benchmark scenarios at 2,000 accounts on PostgreSQL" dotnet "$bench" scenario --accounts 2000 --no-provisioning --postgres "$IDENTITYSYNC_TEST_POSTGRES"
check "LDAP export against ldapsearch on the seeded directory" dotnet "$bench" ldap-export --server "$IDENTITYSYNC_TEST_LDAP" \
  --bind "$IDENTITYSYNC_TEST_LDAP_BIND_DN" --password-variable IDENTITYSYNC_TEST_LDAP_PASSWORD --base "ou=people,$IDENTITYSYNC_TEST_LDAP_BASE" --runs 1
micro() {
  local out=artifacts/benchmarkdotnet-ci
  rm -rf "$out"
  IDENTITYSYNC_BENCH_TINY=1 dotnet "$bench" --filter '*' --job Dry --inProcess --artifacts "$out" > "$out.log" 2>&1 || { cat "$out.log"; return 1; }
  if grep -qE "Benchmarks with issues|Exception" "$out.log"; then cat "$out.log"; return 1; fi
  [ "$(grep -c "^| " <(cat "$out"/results/*-report-github.md) )" -ge 15 ] || { cat "$out.log"; return 1; }
  echo "Micro-benchmarks ran (dry, in process, tiny data)."
}
check "micro-benchmarks, dry run" micro

# The tool as users install it: packed, installed from the packages, running the demo.
check "build/tool-smoke.sh (pack, install and run the identitysync tool)" bash build/tool-smoke.sh

# Embedders as they start: a console app and a worker app built from the packed packages only.
check "build/package-apps.sh (console and worker apps from the packed packages)" bash build/package-apps.sh

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then
  exit 1
fi
if [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
