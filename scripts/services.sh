#!/usr/bin/env bash
# Redis and PostgreSQL for the receiver's store tests, each on a free 127.0.0.1 port, in a
# temporary folder (installed from apt when missing).
#   bash scripts/services.sh run CMD [ARGS...]   start both, run CMD with REDIS_URL, DATABASE_URL
#                                                and VESSEL_SERVICES_DIR exported, stop both after
#   bash scripts/services.sh restart redis|postgres   restart one (from within CMD: same port and
#                                                data, so clients reconnect to what they had)
set -euo pipefail

as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

install() {
  if ! command -v redis-server >/dev/null; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq redis-server
  fi
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq postgresql
  fi
}

pg_bin() {
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    echo /usr/lib/postgresql/15/bin
  else
    ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1
  fi
}

# PostgreSQL refuses to run as root: then its files and processes belong to user postgres.
as_pg() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => {
    console.log(s.address().port); s.close(); });"
}

start_redis() {
  local dir=$VESSEL_SERVICES_DIR
  # Append-only file, so that a restart keeps claims and done marks, as a production setup would.
  redis-server --bind 127.0.0.1 --port "$(cat "$dir/redis.port")" --dir "$dir" \
    --appendonly yes --save '' --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log"
  until redis-cli -p "$(cat "$dir/redis.port")" ping >/dev/null 2>&1; do sleep 0.1; done
}

stop_redis() {
  redis-cli -p "$(cat "$VESSEL_SERVICES_DIR/redis.port")" shutdown >/dev/null 2>&1 || true
  while [[ -f $VESSEL_SERVICES_DIR/redis.pid ]] && kill -0 "$(cat "$VESSEL_SERVICES_DIR/redis.pid")" 2>/dev/null; do
    sleep 0.1
  done
}

pg_ctl_() {
  local dir=$VESSEL_SERVICES_DIR
  as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w \
    -o "-p $(cat "$dir/pg.port") -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" "$@" >/dev/null
}

start() {
  install
  VESSEL_SERVICES_DIR=$(mktemp -d /tmp/vessel-services.XXXXXX)
  export VESSEL_SERVICES_DIR
  chmod 755 "$VESSEL_SERVICES_DIR"
  free_port > "$VESSEL_SERVICES_DIR/redis.port"
  free_port > "$VESSEL_SERVICES_DIR/pg.port"
  start_redis
  if ((EUID == 0)); then chown postgres "$VESSEL_SERVICES_DIR"; fi
  as_pg "$(pg_bin)/initdb" -D "$VESSEL_SERVICES_DIR/pg" -A trust -U app >/dev/null
  pg_ctl_ start
  export REDIS_URL="redis://127.0.0.1:$(cat "$VESSEL_SERVICES_DIR/redis.port")"
  export DATABASE_URL="postgres://app@127.0.0.1:$(cat "$VESSEL_SERVICES_DIR/pg.port")/postgres"
}

stop() {
  [[ -n ${VESSEL_SERVICES_DIR:-} && -d $VESSEL_SERVICES_DIR ]] || return 0
  stop_redis
  pg_ctl_ stop -m fast || true
  rm -rf "$VESSEL_SERVICES_DIR"
}

case "${1:-}" in
  run)
    shift
    trap stop EXIT
    start
    # The store tests fail, rather than skip, when these services are missing.
    REQUIRE_SERVICES=1 "$@"
    ;;
  restart)
    : "${VESSEL_SERVICES_DIR:?restart: run it from a command started by 'services.sh run'}"
    case "${2:-}" in
      redis) stop_redis && start_redis ;;
      postgres) pg_ctl_ restart -m fast ;;
      *) echo "restart: expected redis or postgres" >&2 && exit 2 ;;
    esac
    ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
