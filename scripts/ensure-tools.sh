#!/usr/bin/env bash
# Installs what the build, the demo and the tests need on a fresh machine, and nothing that is
# already there: a JDK 17 and Maven, PostgreSQL 15 server + client binaries, zstd, pigz, ssh-keygen
# (the OpenSSH client: signed approvals), Debian's Chromium with Node.js and ui-test/'s
# playwright-core (the Web UI test; no downloaded browser), moto[server] from PyPI in a virtualenv
# under ~/.cache (an S3 server with versioning, lifecycle and Object Lock, for the tests of those),
# nginx and openssl (the TLS tests put nginx in front of the dev server; never started as a
# service), the Temporal CLI (real dev server with Web UI) and Mailpit (the SMTP server the e-mail
# channel's tests start: SMTP plus an HTTP API to read delivered messages), both built with
# `go install` and cached in $(go env GOPATH)/bin.
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
# signed approvals: dr approve, the demo and the tests sign with ssh-keygen -Y sign (OpenSSH 8.1+)
command -v ssh-keygen >/dev/null || apt_install openssh-client
command -v pigz >/dev/null || apt_install pigz   # `dr bench` compares file backups with tar | pigz

# The TLS tests (starter's TlsConnectionTest) run their own nginx as a gRPC TLS terminator, with
# their own config, pid and logs in a temp dir. Installing Debian's nginx must not start it as a
# system service: a policy-rc.d that denies every start is in place during the install.
if [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null; then
  policy=/usr/sbin/policy-rc.d
  if [ "$(id -u)" = 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
    apt_install nginx
    rm -f "$policy"
    trap - EXIT
  else
    apt_install nginx
  fi
fi
command -v openssl >/dev/null || apt_install openssl

# The Web UI test (starter's WebUiTest runs ui-test/check-recovery-page.mjs): Debian's Chromium,
# driven by playwright-core from ui-test/package-lock.json (npm ci only when the lock changed).
[ -x /usr/bin/chromium ] || apt_install chromium
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
ui_test="$(cd "$(dirname "$0")/.." && pwd)/ui-test"
if [ ! -f "$ui_test/node_modules/playwright-core/package.json" ] \
   || [ "$ui_test/package-lock.json" -nt "$ui_test/node_modules/.package-lock.json" ]; then
  log "npm ci in $ui_test (playwright-core)"
  (cd "$ui_test" && npm ci --no-audit --no-fund >&2)
fi

# The e-mail notification channel's tests (activities' EmailAndSlackChannelsTest, through
# local-stack's LocalMailpit: env DR_MAILPIT, PATH, $GOPATH/bin, ~/go/bin).
if [ -z "${DR_MAILPIT:-}" ] && ! command -v mailpit >/dev/null; then
  command -v go >/dev/null || apt_install golang-go
  gobin="$(go env GOPATH)/bin"
  if [ ! -x "$gobin/mailpit" ]; then
    log "building Mailpit v1.33.1 with go install (first time only, ~3 min)"
    go install github.com/axllent/mailpit@v1.33.1 >&2
  fi
  "$gobin/mailpit" version --no-release-check >&2
fi

# moto (PyPI, pinned) serves S3 with versioning, lifecycle and Object Lock for the tests that need
# them (S3Proxy, the S3 server of everything else, lacks them on its filesystem backend). It lives
# in a virtualenv of its own, never in the system's Python; the tests start
# $DR_MOTO_SERVER, else <cache>/dr-orchestrator/moto/bin/moto_server (see local-stack's LocalMoto).
MOTO_VERSION=5.2.5
moto_dir="${XDG_CACHE_HOME:-$HOME/.cache}/dr-orchestrator/moto"
if [ "$(cat "$moto_dir/installed-version" 2>/dev/null)" != "$MOTO_VERSION" ]; then
  command -v python3 >/dev/null || apt_install python3
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  log "pip install moto[server]==$MOTO_VERSION into $moto_dir (first time only)"
  rm -rf "$moto_dir"
  python3 -m venv "$moto_dir" >&2
  "$moto_dir/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
  "$moto_dir/bin/moto_server" --help >/dev/null
  echo "$MOTO_VERSION" > "$moto_dir/installed-version"
fi

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
