#!/usr/bin/env bash
# The docker-compose stack completes a recovery: backup -> disaster -> recovery -> verified.
#
#   cp .env.example .env      # optional: every variable has a development default
#   deploy/compose-smoke.sh   # starts the stack first (docker compose up -d --build --wait)
#
# Every step runs inside the stack: `dr` in the worker container (with the worker's environment:
# its plan, Temporal, PGPASSWORD, the MinIO keys), SQL in app-db, files and HTTP from the worker.
# starter's ComposeSmokeTest runs this same script against the local stack, with the plan values
# taken from .env.example and docker-compose.yml, by setting the variables below instead of the
# `docker compose exec` defaults (Docker does not run on the build machines).
set -euo pipefail
cd "$(dirname "$0")/.."

# A value of .env as docker compose reads it (KEY=VALUE lines), else the default.
from_env_file() {
  local v=""
  if [ -f .env ]; then v="$(sed -n "s/^$1=//p" .env | tail -n 1)"; fi
  echo "${v:-$2}"
}

COMPOSE="${COMPOSE:-docker compose}"
SMOKE_UP="${SMOKE_UP:-1}"                                    # 0: the stack is up already
DR="${DR:-$COMPOSE exec -T worker java -jar /app/dr.jar}"   # how to run `dr`
APP_DB_USER="${APP_DB_USER:-$(from_env_file APP_DB_USER ai_docs)}"
APP_DB_NAME="${APP_DB_NAME:-$(from_env_file APP_DB_NAME ai_docs)}"
SQL="${SQL:-$COMPOSE exec -T app-db psql -v ON_ERROR_STOP=1 -qAt -U $APP_DB_USER}"  # + -d DB -c SQL
ON_WORKER="${ON_WORKER-$COMPOSE exec -T worker}"            # runs a command where the worker runs
APP_URL="${APP_URL:-http://app:8080}"                        # as the worker reaches them
WEBHOOK_URL="${WEBHOOK_URL:-http://webhook:8099}"
UPLOADS_DIR="${UPLOADS_DIR:-/app/data/uploads}"              # the plan's files.uploads
APP_ENV_FILE="${APP_ENV_FILE:-/etc/ai-docs/app.env}"         # the plan's deployment.environment.to
APPROVER="${APPROVER:-alice}"                                # a level-1 approver of the plan
# the approver's private SSH key where `dr` runs (decisions are signed); its public key must be the
# approver's line in allowed_signers (see the README's docker-compose section)
APPROVER_KEY="${APPROVER_KEY:-/app/keys/$APPROVER}"
INCIDENT="${INCIDENT:-SMOKE-$(date -u +%Y%m%d%H%M%S)}"
# the plan's deployment.monitor-window for this run (the worker's DR_APP_MONITOR_WINDOW): the
# recovery ends this long after the app came up (the stack's default, 15m, is for real incidents)
SMOKE_MONITOR_WINDOW="${SMOKE_MONITOR_WINDOW:-30s}"
WAIT_S="${WAIT_S:-600}"

say() { printf '\n== %s\n' "$*"; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
dr() { $DR "$@"; }
sql() { $SQL "$@"; }
on_worker() { $ON_WORKER "$@"; }

# wait_until DESCRIPTION SECONDS COMMAND...: polls COMMAND every 2 s until it succeeds
wait_until() {
  local what="$1" secs="$2"
  shift 2
  local end=$((SECONDS + secs))
  until "$@"; do
    if [ "$SECONDS" -ge "$end" ]; then fail "timed out after ${secs} s waiting for: $what"; fi
    sleep 2
  done
}

app_healthy() { on_worker curl -fsS -o /dev/null --max-time 10 "$APP_URL/health" 2>/dev/null; }

# The data as a hash: every sample table's row count and ordered md5, then the uploads' tree
# (directories, every file's SHA-256, every link's target). The recovery's marker file
# (.dr-recovery: incident, backup, listing; it proves a swap was done) is not data.
fingerprint() {
  local t
  for t in api_tokens conversations document_chunks documents messages users; do
    sql -d "$APP_DB_NAME" -c \
      "SELECT '$t', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM $t x"
  done
  on_worker sh -c 'cd "$1" && find . -type d | LC_ALL=C sort \
    && find . -type f ! -path ./.dr-recovery -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum \
    && find . -type l | LC_ALL=C sort | while read -r l; do echo "$l -> $(readlink "$l")"; done' \
    sh "$UPLOADS_DIR" | sha256sum
}

# Approves each swap that waits now; true once both are approved.
approved=""
approve_waiting() {
  local status step
  status="$(dr status "$INCIDENT" 2>/dev/null)" || return 1
  for step in database-swap files-swap; do
    case " $approved " in *" $step "*) continue ;; esac
    if grep -q "^waiting: $step " <<<"$status" \
        && dr approve "$INCIDENT" --as "$APPROVER" --key "$APPROVER_KEY" --step "$step" \
          --comment "compose smoke test"; then
      approved="$approved $step"
    fi
  done
  [ "$(wc -w <<<"$approved")" -eq 2 ]
}

if [ "$SMOKE_UP" = 1 ]; then
  say "the stack: docker compose up -d --build --wait (monitor window $SMOKE_MONITOR_WINDOW)"
  DR_APP_MONITOR_WINDOW="$SMOKE_MONITOR_WINDOW" $COMPOSE up -d --build --wait
fi
window="$(on_worker printenv DR_APP_MONITOR_WINDOW || true)"
[ "$window" = "$SMOKE_MONITOR_WINDOW" ] \
  || fail "the worker's DR_APP_MONITOR_WINDOW is '$window', not $SMOKE_MONITOR_WINDOW: start the stack with DR_APP_MONITOR_WINDOW=$SMOKE_MONITOR_WINDOW (or run with SMOKE_UP=1)"

say "1/6 setup: search attributes, the bucket, the application healthy"
dr temporal setup
dr storage init
wait_until "the application to be healthy ($APP_URL/health)" 300 app_healthy
echo "application healthy"

say "2/6 backups"
dr backup database --wait
dr backup files --wait
dr backups list
before="$(fingerprint)"
echo "data fingerprint: $before"

say "3/6 the disaster: database '$APP_DB_NAME' dropped, uploads and the app's environment file deleted"
sql -d postgres -c "DROP DATABASE \"$APP_DB_NAME\" WITH (FORCE)"
on_worker sh -c 'rm -rf "$1" "$2"' sh "$UPLOADS_DIR" "$APP_ENV_FILE"
if app_healthy; then fail "the application is still healthy after the disaster"; fi
echo "application down: $(on_worker curl -sS --max-time 10 "$APP_URL/health" || true)"

say "4/6 the recovery of $INCIDENT: both swaps approved by $APPROVER"
dr recover --incident "$INCIDENT"
wait_until "both swaps to wait for approval" "$WAIT_S" approve_waiting

say "5/6 until the recovery ends"
dr status "$INCIDENT" --follow

say "6/6 verify: the data as it was, the application healthy, stakeholders notified, the report"
after="$(fingerprint)"
[ "$after" = "$before" ] || fail "the data differs from before the disaster: $after vs $before"
echo "data identical to before the disaster: $after"
app_healthy || fail "the application is not healthy after the recovery"
echo "application healthy"
notified="$(on_worker curl -fsS --max-time 10 "$WEBHOOK_URL/count")"
[ "${notified:-0}" -gt 0 ] || fail "the webhook receiver got no notification"
echo "stakeholder notifications received by the webhook: $notified"
report_title="$(dr report "$INCIDENT" | head -n 1)"
case "$report_title" in
  *RECOVERED*) echo "report: $report_title" ;;
  *) fail "the report says: $report_title" ;;
esac
dr reports list --limit 5

echo
echo "SMOKE OK: $INCIDENT recovered in the stack, data verified"
