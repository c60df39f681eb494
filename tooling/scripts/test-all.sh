#!/usr/bin/env bash
# Runs lint, typecheck and the whole test suite with the services it needs: binfmt_misc mounted and a Docker
# engine answering. Whatever this script starts or mounts, it stops or unmounts on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

binfmt=/proc/sys/fs/binfmt_misc
mounted_here=0
dockerd_pid=""
dockerd_log=""
netns=/run/docker/netns/default
netns_before=0
cleanup() {
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
    # The engine leaves its default network namespace mounted; it was not there before.
    if [ "$netns_before" = 0 ] && mountpoint -q "$netns"; then umount "$netns" 2>/dev/null || true; fi
  fi
  # The engine's log is kept only when it failed to start (the message names it).
  if [ -n "$dockerd_log" ]; then rm -f "$dockerd_log"; fi
  if [ "$mounted_here" = 1 ]; then umount "$binfmt" 2>/dev/null || true; fi
}
trap cleanup EXIT

if [ "$(id -u)" = 0 ]; then
  if [ ! -e "$binfmt/register" ]; then
    mount -t binfmt_misc binfmt_misc "$binfmt" && mounted_here=1
  fi
  if ! docker version >/dev/null 2>&1 && command -v dockerd >/dev/null 2>&1; then
    echo "test-all: starting dockerd" >&2
    if mountpoint -q "$netns" 2>/dev/null; then netns_before=1; fi
    dockerd_log=$(mktemp "${TMPDIR:-/tmp}/arm64kit-dockerd.XXXXXX.log")
    dockerd --bridge=none --iptables=false --ip6tables=false >"$dockerd_log" 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 1; done
    if ! docker version >/dev/null 2>&1; then
      echo "test-all: dockerd did not start (see $dockerd_log)" >&2
      dockerd_log=""
      exit 1
    fi
  fi
fi

# Static checks first: they are quick and a type or lint error is cheaper to read than a test failure.
pnpm lint
pnpm turbo run typecheck --output-logs=errors-only
pnpm turbo run test --concurrency=1 --continue "$@"
