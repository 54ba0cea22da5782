#!/usr/bin/env bash
# Installs what the build, the demo and the tests need on a fresh machine, and nothing that is
# already there: a JDK 17 and Maven, PostgreSQL 15 server + client binaries, zstd, and the
# Temporal CLI (real dev server with Web UI) built with `go install` and cached in $(go env GOPATH)/bin.
# Prints the path of the temporal CLI on its last line.
set -euo pipefail

log() { echo "[ensure-tools] $*" >&2; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "missing packages: $*; install them (e.g. sudo apt-get install -y $*) and run again"
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

command -v java >/dev/null || apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null || apt_install maven

pg_bindir=""
if command -v pg_config >/dev/null; then pg_bindir="$(pg_config --bindir)"; fi
if [ -z "$pg_bindir" ] || [ ! -x "$pg_bindir/initdb" ] || [ ! -x "$pg_bindir/pg_ctl" ] \
   || ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
  apt_install postgresql-15 postgresql-client-15
fi
command -v zstd >/dev/null || apt_install zstd

temporal_cli="${DR_TEMPORAL_CLI:-}"
if [ -z "$temporal_cli" ]; then
  if command -v temporal >/dev/null; then
    temporal_cli="$(command -v temporal)"
  else
    command -v go >/dev/null || apt_install golang-go
    gobin="$(go env GOPATH)/bin"
    if [ ! -x "$gobin/temporal" ]; then
      log "building the Temporal CLI v1.5.1 with go install (first time only, ~3 min)"
      go install github.com/temporalio/cli/cmd/temporal@v1.5.1 >&2
    fi
    temporal_cli="$gobin/temporal"
  fi
fi
"$temporal_cli" --version >&2
echo "$temporal_cli"
