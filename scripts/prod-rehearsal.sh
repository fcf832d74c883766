#!/usr/bin/env bash
# README "Run in production", rehearsed on one machine (run by hand, never by npm test or .ci/run):
# a Hardhat node stands in for the remote network; PostgreSQL, the indexer, two API replicas and nginx with TLS
# (a self-signed certificate) in front of them; curl through the proxy while one replica restarts (no request may
# fail); pg_dump of the app database and its restore into a new database.
#
# Needs Debian's postgresql and nginx-light (apt-get install -y postgresql nginx-light) and openssl.
# Everything lives in $PROD_DIR (default: a new temporary folder), which is kept for inspection; every process it
# started is stopped at the end. Ports: $BASE_PORT (default 18400) + 0..5.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=true HARDHAT_DISABLE_TELEMETRY_PROMPT=true PONDER_TELEMETRY_DISABLED=true

PROD_DIR=${PROD_DIR:-$(mktemp -d /tmp/settle-prod-XXXXXX)}
BASE_PORT=${BASE_PORT:-18400}
NODE_PORT=$BASE_PORT PG_PORT=$((BASE_PORT + 1)) INDEXER_PORT=$((BASE_PORT + 2))
API1_PORT=$((BASE_PORT + 3)) API2_PORT=$((BASE_PORT + 4)) TLS_PORT=$((BASE_PORT + 5))
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PIDS=()
step() { printf '\n== %s\n' "$*"; }
# Runs a PostgreSQL tool as the postgres user when this script runs as root (initdb refuses root).
pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -f "$PROD_DIR/nginx/nginx.pid" ] && kill "$(cat "$PROD_DIR/nginx/nginx.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$PROD_DIR/pg/postmaster.pid" ] && pg "$PG_BIN/pg_ctl" stop -D "$PROD_DIR/pg" -m fast >/dev/null || true
}
trap cleanup EXIT
wait_http() { for _ in $(seq 1 600); do curl -skf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }
mkdir -p "$PROD_DIR/logs"
echo "working folder: $PROD_DIR"

step "the remote network (a Hardhat node here) and the deploy with a key from the environment"
npx hardhat node --port "$NODE_PORT" >"$PROD_DIR/logs/node.log" 2>&1 &
PIDS+=($!)
until curl -sf -o /dev/null -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$NODE_PORT"; do sleep 0.5; done
export RPC_URL="http://127.0.0.1:$NODE_PORT" SETTLE_NETWORK=remote SETTLE_DEPLOYMENTS_DIR="$PROD_DIR/deployments"
# Hardhat's account #0 stands in for the deployer's key (never commit a real one: pass it from a secret store).
PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 npm run --silent deploy -- --network remote
cat "$SETTLE_DEPLOYMENTS_DIR/remote.json" | head -3

step "PostgreSQL: the index and the app data in two databases"
mkdir -p "$PROD_DIR/pg" && [ "$(id -u)" = 0 ] && chown postgres:postgres "$PROD_DIR/pg"
pg "$PG_BIN/initdb" -D "$PROD_DIR/pg" -U postgres --auth=trust -E UTF8 >/dev/null
pg "$PG_BIN/pg_ctl" start -D "$PROD_DIR/pg" -w -l "$PROD_DIR/pg/postgres.log" -o "-p $PG_PORT -k $PROD_DIR/pg -c listen_addresses=127.0.0.1" >/dev/null
for db in settle_index settle_app; do "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"; done
export INDEX_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/settle_index"
export APP_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/settle_app"

step "the indexer"
PORT=$INDEXER_PORT SETTLE_INDEX_DIR="$PROD_DIR/index" npm run --silent index >"$PROD_DIR/logs/indexer.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$INDEXER_PORT/ready"

step "two API replicas (same JWT_SECRET, same databases)"
export JWT_SECRET=${JWT_SECRET:-$(openssl rand -hex 32)} PUBLIC_ORIGIN="https://localhost:$TLS_PORT" TRUST_PROXY=true SETTLE_ENV=production
start_api() { PORT=$1 npm run --silent api >>"$PROD_DIR/logs/api-$1.log" 2>&1 & echo $!; }
API1=$(start_api "$API1_PORT") && PIDS+=("$API1")
API2=$(start_api "$API2_PORT") && PIDS+=("$API2")
wait_http "http://127.0.0.1:$API1_PORT/health" && wait_http "http://127.0.0.1:$API2_PORT/health"

step "nginx with TLS in front of both"
mkdir -p "$PROD_DIR/nginx"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -keyout "$PROD_DIR/nginx/key.pem" -out "$PROD_DIR/nginx/cert.pem" 2>/dev/null
sed -e "s|@DIR@|$PROD_DIR/nginx|g" -e "s|@TLS_PORT@|$TLS_PORT|g" -e "s|@API1@|127.0.0.1:$API1_PORT|g" \
  -e "s|@API2@|127.0.0.1:$API2_PORT|g" scripts/prod/nginx.conf >"$PROD_DIR/nginx/nginx.conf"
nginx -c "$PROD_DIR/nginx/nginx.conf" -p "$PROD_DIR/nginx"
BASE="https://localhost:$TLS_PORT"
wait_http "$BASE/health"
curl -s --cacert "$PROD_DIR/nginx/cert.pem" "$BASE/health"; echo
curl -s --cacert "$PROD_DIR/nginx/cert.pem" "$BASE/blockchain/status"; echo

step "restart replica 1 while curl loops through the proxy: no request may fail"
(
  ok=0 failed=0
  while [ ! -f "$PROD_DIR/stop-loop" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PROD_DIR/nginx/cert.pem" "$BASE/health" || true)
    if [ "$code" = 200 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); echo "failed request: $code"; fi
  done
  echo "$ok $failed" >"$PROD_DIR/loop-result"
) &
LOOP=$!
sleep 2
kill -TERM "$API1" && while kill -0 "$API1" 2>/dev/null; do sleep 0.1; done
echo "replica 1 stopped"
sleep 2
API1=$(start_api "$API1_PORT") && PIDS+=("$API1")
wait_http "http://127.0.0.1:$API1_PORT/health"
echo "replica 1 back"
sleep 2
touch "$PROD_DIR/stop-loop" && wait "$LOOP"
read -r OK FAILED <"$PROD_DIR/loop-result"
echo "requests through the proxy during the restart: $OK answered 200, $FAILED failed"
[ "$FAILED" = 0 ]

step "backup of the app database (pg_dump) and its restore"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d settle_app -qc "INSERT INTO users (address, display_name, created_at, updated_at) VALUES ('0x00000000000000000000000000000000000be001', 'rehearsal', 0, 0)"
"$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Fc -f "$PROD_DIR/settle_app.dump" settle_app
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres settle_app_restored
"$PG_BIN/pg_restore" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d settle_app_restored --no-owner "$PROD_DIR/settle_app.dump"
count() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -tAc "SELECT (SELECT count(*) FROM kysely_migration) || ' migrations, ' || (SELECT count(*) FROM users) || ' users'"; }
echo "settle_app: $(count settle_app); settle_app_restored: $(count settle_app_restored)"
[ "$(count settle_app)" = "$(count settle_app_restored)" ]

step "done: the rehearsal passed (logs in $PROD_DIR/logs)"
