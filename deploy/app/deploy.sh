#!/bin/sh
# The AI Docs Assistant's deploy hook in the docker-compose stack. The plan's
#   deployment.deploy.command: ["/opt/ai-docs/deploy.sh", "--version", "latest"]
# runs it on the worker (the image puts it at that path), which passes DR_INCIDENT_ID; it asks
# the app service to deploy that version. DR_APP_URL: where the app listens (the worker's env).
set -eu
version=latest
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    *) echo "usage: $0 [--version VERSION]" >&2; exit 2 ;;
  esac
done
exec curl -fsS --max-time 30 -X POST \
  "${DR_APP_URL:-http://app:8080}/deploy?version=${version}&incident=${DR_INCIDENT_ID:-none}"
