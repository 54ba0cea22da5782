#!/usr/bin/env bash
# Installs what is about to run, and nothing that is already there:
#
#   scripts/ensure-tools.sh build   a JDK 17 and Maven (building `dr`)
#   scripts/ensure-tools.sh demo    build + PostgreSQL 15 server and client binaries, zstd,
#                                   ssh-keygen (signed approvals), the Temporal CLI (real dev
#                                   server with Web UI): `./dr demo`
#   scripts/ensure-tools.sh bench   demo + pigz (`./dr bench` compares file backups with tar | pigz)
#   scripts/ensure-tools.sh tests   bench + what only the tests use (the default; ./run-tests, CI):
#                                   Debian's Chromium with Node.js and ui-test/'s playwright-core
#                                   (the Web UI test; no downloaded browser), Mailpit (the SMTP
#                                   server of the e-mail channel's tests), moto[server] from PyPI
#                                   in a virtualenv under ~/.cache (an S3 server with versioning,
#                                   lifecycle and Object Lock), nginx and openssl (the TLS tests put
#                                   nginx in front of the dev server; never started as a service),
#                                   curl (the compose smoke script), pgBackRest (Debian's
#                                   pgbackrest: the point-in-time recovery tests; DR_PGBACKREST
#                                   names another binary)
#
# The Temporal CLI and Mailpit are built with `go install` and cached in $(go env GOPATH)/bin.
# Prints the path of the temporal CLI on its last line (demo, bench, tests).
# DR_TOOLS_DRY_RUN=1 only says what it would install (EnsureToolsTest).
set -euo pipefail

profile="${1:-tests}"
case "$profile" in
  build|demo|bench|tests) ;;
  *) echo "usage: $0 [build|demo|bench|tests]" >&2; exit 2 ;;
esac

log() { echo "[ensure-tools] $*" >&2; }
dry_run() { [ -n "${DR_TOOLS_DRY_RUN:-}" ]; }

apt_install() {
  if dry_run; then
    log "would apt-get install $*"
    return
  fi
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

# `go install PACKAGE@VERSION` into $(go env GOPATH)/bin unless the binary is there; prints its path.
go_tool() {
  local name="$1" package="$2" version="$3"
  if dry_run && ! command -v go >/dev/null; then
    log "would apt-get install golang-go"
    log "would go install $package@$version"
    echo "\$GOPATH/bin/$name"
    return
  fi
  command -v go >/dev/null || apt_install golang-go
  local gobin
  gobin="$(go env GOPATH)/bin"
  if [ ! -x "$gobin/$name" ]; then
    if dry_run; then
      log "would go install $package@$version"
    else
      log "building $name $version with go install (first time only, ~3 min)"
      go install "$package@$version" >&2
    fi
  fi
  echo "$gobin/$name"
}

ensure_build() {
  command -v java >/dev/null || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null || apt_install maven
}

ensure_demo() {
  local pg_bindir=""
  if command -v pg_config >/dev/null; then pg_bindir="$(pg_config --bindir)"; fi
  if [ -z "$pg_bindir" ] || [ ! -x "$pg_bindir/initdb" ] || [ ! -x "$pg_bindir/pg_ctl" ] \
     || ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
    apt_install postgresql-15 postgresql-client-15
  fi
  command -v zstd >/dev/null || apt_install zstd
  # signed approvals: dr approve, the demo and the tests sign with ssh-keygen -Y sign (OpenSSH 8.1+)
  command -v ssh-keygen >/dev/null || apt_install openssh-client
}

# The TLS tests (starter's TlsConnectionTest) run their own nginx as a gRPC TLS terminator, with
# their own config, pid and logs in a temp dir (DR_NGINX, else /usr/sbin/nginx, else PATH).
# Installing Debian's nginx must not start it as a system service: a policy-rc.d that denies every
# start is in place during the install.
ensure_nginx() {
  if [ -x "${DR_NGINX:-/usr/sbin/nginx}" ] || command -v nginx >/dev/null; then
    return
  fi
  local policy=/usr/sbin/policy-rc.d
  if ! dry_run && [ "$(id -u)" = 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
    apt_install nginx
    rm -f "$policy"
    trap - EXIT
  else
    apt_install nginx
  fi
}

# The Web UI test (starter's WebUiTest runs ui-test/check-recovery-page.mjs): Debian's Chromium,
# driven by playwright-core from ui-test/package-lock.json (npm ci only when the lock changed).
ensure_ui_test() {
  command -v chromium >/dev/null || apt_install chromium
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  local ui_test="${DR_UI_TEST_DIR:-}"   # EnsureToolsTest: a fresh copy, as on a new machine
  [ -n "$ui_test" ] || ui_test="$(cd "$(dirname "$0")/.." && pwd)/ui-test"
  if [ ! -f "$ui_test/node_modules/playwright-core/package.json" ] \
     || [ "$ui_test/package-lock.json" -nt "$ui_test/node_modules/.package-lock.json" ]; then
    if dry_run; then
      log "would npm ci in $ui_test (playwright-core)"
    else
      log "npm ci in $ui_test (playwright-core)"
      (cd "$ui_test" && npm ci --no-audit --no-fund >&2)
    fi
  fi
}

# The e-mail notification channel's tests (activities' EmailAndSlackChannelsTest, through
# local-stack's LocalMailpit: env DR_MAILPIT, PATH, $GOPATH/bin, ~/go/bin).
ensure_mailpit() {
  if [ -z "${DR_MAILPIT:-}" ] && ! command -v mailpit >/dev/null; then
    local mailpit
    mailpit="$(go_tool mailpit github.com/axllent/mailpit v1.33.1)"
    dry_run || "$mailpit" version --no-release-check >&2
  fi
}

# moto (PyPI, pinned) serves S3 with versioning, lifecycle and Object Lock for the tests that need
# them (S3Proxy, the S3 server of everything else, lacks them on its filesystem backend). It lives
# in a virtualenv of its own, never in the system's Python; the tests start
# $DR_MOTO_SERVER, else <cache>/dr-orchestrator/moto/bin/moto_server (see local-stack's LocalMoto).
MOTO_VERSION=5.2.5
ensure_moto() {
  local moto_dir="${XDG_CACHE_HOME:-$HOME/.cache}/dr-orchestrator/moto"
  if [ "$(cat "$moto_dir/installed-version" 2>/dev/null)" = "$MOTO_VERSION" ]; then
    return
  fi
  command -v python3 >/dev/null || apt_install python3
  if dry_run; then
    log "would pip install moto[server]==$MOTO_VERSION into $moto_dir"
    return
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  log "pip install moto[server]==$MOTO_VERSION into $moto_dir (first time only)"
  rm -rf "$moto_dir"
  python3 -m venv "$moto_dir" >&2
  "$moto_dir/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
  "$moto_dir/bin/moto_server" --help >/dev/null
  echo "$MOTO_VERSION" > "$moto_dir/installed-version"
}

# The Temporal CLI: `temporal server start-dev` for the demo and the tests; its path is printed last.
ensure_temporal_cli() {
  local temporal_cli="${DR_TEMPORAL_CLI:-}"
  if [ -z "$temporal_cli" ]; then
    if command -v temporal >/dev/null; then
      temporal_cli="$(command -v temporal)"
    else
      temporal_cli="$(go_tool temporal github.com/temporalio/cli/cmd/temporal v1.5.1)"
    fi
  fi
  dry_run || "$temporal_cli" --version >&2
  echo "$temporal_cli"
}

ensure_build
if [ "$profile" = build ]; then
  exit 0
fi
ensure_demo
if [ "$profile" = bench ] || [ "$profile" = tests ]; then
  command -v pigz >/dev/null || apt_install pigz
fi
if [ "$profile" = tests ]; then
  ensure_ui_test
  ensure_mailpit
  ensure_moto
  ensure_nginx
  command -v openssl >/dev/null || apt_install openssl
  command -v curl >/dev/null || apt_install curl
  # point-in-time recovery: base backups and WAL archiving to S3 (the PITR tests)
  if [ -z "${DR_PGBACKREST:-}" ] && ! command -v pgbackrest >/dev/null; then
    apt_install pgbackrest
  fi
fi
ensure_temporal_cli
