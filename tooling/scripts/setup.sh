#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine (as root) to build, run and test arm64kit:
# the Debian packages the tests and the repro use, pnpm, the JS dependencies and a build.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(
  qemu-user-static          # the reference emulator and the host backend's interpreter
  gcc-aarch64-linux-gnu     # builds the aarch64 test programs and the repro probe
  libc6-dev-arm64-cross
  gcc-riscv64-linux-gnu     # builds the riscv64 test programs
  libc6-dev-riscv64-cross
  gcc                       # builds test programs for the host, whose kernel is the oracle where qemu is none
  libc6-dev
  docker.io                 # the Docker engine for @arm64kit/docker
  debootstrap               # arm64 root filesystems for the Docker base image
  debian-archive-keyring    # checks the suites debootstrap fetches (bookworm's current one has trixie's keys)
  dpkg-dev                  # dpkg-scanpackages: the apt repository the apt-get test serves on 127.0.0.1
  busybox-static            # the shell of the binfmt registration image
  file
  golang-go                 # cross-builds the Go test programs (GOARCH=arm64)
  systemd                   # systemd-binfmt reads the binfmt.d files @arm64kit/binfmt writes
  binfmt-support            # update-binfmts imports the Debian format files it writes
  time                      # GNU time: peak RSS of each program in pnpm bench
  tmux                      # drives interactive sessions on a pseudo-terminal (debian-terminal test)
  procps                    # ps: which process a test's terminal has in the foreground
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Installing binfmt-support imports every Debian format file into a mounted binfmt_misc;
  # the tests register their own entries, so whatever the install added is removed again.
  binfmt=/proc/sys/fs/binfmt_misc
  before=""
  [ -e "$binfmt/register" ] && before=$(ls "$binfmt")
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -e "$binfmt/register" ]; then
    for entry in "$binfmt"/*; do
      name=${entry##*/}
      case "$name" in register | status) continue ;; esac
      if ! grep -qxF -- "$name" <<<"$before" && [ -e "/usr/share/binfmts/$name" ]; then
        echo "setup: removing $name, registered by the package install" >&2
        echo -1 >"$entry"
      fi
    done
  fi
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm 10" >&2
  npm install -g pnpm@10 >/dev/null
fi

pnpm install --frozen-lockfile
pnpm build
