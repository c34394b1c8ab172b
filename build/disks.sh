#!/usr/bin/env bash
# Disks that fail for real, for the tests of a full disk and a read-only store. Sourced by build/test.sh.
# start_test_disks mounts (root only: mount) in a temporary directory:
#   IDENTITYSYNC_TEST_SMALL_DISK      a 4 MiB tmpfs, which a synchronization fills
#   IDENTITYSYNC_TEST_READONLY_SOURCE a tmpfs the tests write stores into
#   IDENTITYSYNC_TEST_READONLY_VIEW   the same files through a read-only bind mount (refused even to root)
# The tests fail with a message saying so when these are not set; they never skip.

start_test_disks() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Not root: no test disks (the full-disk and read-only store tests will say so)." >&2
    return 0
  fi
  local dir
  dir=$(mktemp -d /tmp/identitysync-disks.XXXXXX)
  mkdir -p "$dir/small" "$dir/rw" "$dir/ro"
  if mount -t tmpfs -o size=4m tmpfs "$dir/small" \
    && mount -t tmpfs -o size=64m tmpfs "$dir/rw" \
    && mount --bind "$dir/rw" "$dir/ro" \
    && mount -o remount,bind,ro "$dir/ro"; then
    export IDENTITYSYNC_TEST_SMALL_DISK="$dir/small"
    export IDENTITYSYNC_TEST_READONLY_SOURCE="$dir/rw"
    export IDENTITYSYNC_TEST_READONLY_VIEW="$dir/ro"
    echo "Test disks: a 4 MiB tmpfs and a read-only view ($dir)."
  else
    echo "The test disks could not be mounted in $dir." >&2
  fi
  TEST_DISKS_DIR=$dir
}

stop_test_disks() {
  [ -n "${TEST_DISKS_DIR:-}" ] || return 0
  for mount_point in ro rw small; do
    mountpoint -q "$TEST_DISKS_DIR/$mount_point" 2>/dev/null && umount "$TEST_DISKS_DIR/$mount_point"
  done
  rm -rf "$TEST_DISKS_DIR"
  TEST_DISKS_DIR=
}
