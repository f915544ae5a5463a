#!/usr/bin/env bash
# Starts the MLflow tracking server of a OneClickMlflow deployment.
#
# The database password is read from Secret Manager at start with the server's own identity and
# travels only inside MLFLOW_BACKEND_STORE_URI, which is exported to the schema upgrade and to the
# mlflow process alone: it is never written to disk and never appears on a command line.
set -euo pipefail
shopt -s inherit_errexit

readonly MYSQL_PORT=3306
readonly MAX_DEFAULT_WORKERS=4
# The mlflow.app entry point of the IAP header check (iap-guard/, installed with the image).
readonly IAP_APP_NAME=oneclickmlflow-iap

fail() {
    printf 'mlflow-entrypoint: error: %s\n' "$*" >&2
    exit 1
}

warn() {
    printf 'mlflow-entrypoint: warning: %s\n' "$*" >&2
}

require_env() {
    local missing=() name
    for name in "$@"; do
        if [ -z "${!name:-}" ]; then
            missing+=("$name")
        fi
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        fail "required environment variable(s) not set: ${missing[*]}"
    fi
}

# Percent-encodes stdin for use inside a URL (every reserved character and space). The value comes
# through stdin so that it never appears in the encoder's argv.
url_encode_stdin() {
    python3 -c 'import sys, urllib.parse; sys.stdout.write(urllib.parse.quote(sys.stdin.buffer.read(), safe=""))'
}

url_encode() {
    printf '%s' "$1" | url_encode_stdin
}

is_positive_integer() {
    case "$1" in
        '' | *[!0-9]* | 0*) return 1 ;;
        *) return 0 ;;
    esac
}

# 2 x CPU + 1 uvicorn workers, capped: each worker holds a full copy of the server in memory.
default_workers() {
    local cpus
    cpus="$(nproc 2>/dev/null || echo 1)"
    is_positive_integer "$cpus" || cpus=1
    local workers=$((2 * cpus + 1))
    if [ "$workers" -gt "$MAX_DEFAULT_WORKERS" ]; then
        workers="$MAX_DEFAULT_WORKERS"
    fi
    echo "$workers"
}

# Prints the path of the Cloud SQL server CA certificate, or nothing when none was given.
server_ca_file() {
    if [ -n "${DB_SERVER_CA:-}" ]; then
        [ -r "$DB_SERVER_CA" ] || fail "DB_SERVER_CA file '$DB_SERVER_CA' does not exist or is not readable"
        printf '%s' "$DB_SERVER_CA"
    elif [ -n "${DB_SERVER_CA_PEM:-}" ]; then
        # A CA certificate is public: keeping it in a file is harmless and pymysql needs a path.
        local file
        file="$(mktemp "${TMPDIR:-/tmp}/db-server-ca.XXXXXX")"
        printf '%s\n' "$DB_SERVER_CA_PEM" >"$file"
        printf '%s' "$file"
    fi
}

# TLS query parameters understood by SQLAlchemy's pymysql dialect. With the instance's CA the
# certificate chain is verified (Cloud SQL server certificates do not name the private IP, so the
# host name is not checked: the equivalent of MySQL's VERIFY_CA mode).
tls_query() {
    local ca_file="$1"
    if [ -n "$ca_file" ]; then
        printf 'ssl_ca=%s&ssl_check_hostname=false' "$(url_encode "$ca_file")"
    else
        warn "neither DB_SERVER_CA nor DB_SERVER_CA_PEM is set: the database connection is encrypted but the server certificate is not verified"
        printf 'ssl_check_hostname=false'
    fi
}

allowed_hosts() {
    local hosts="" host
    local IFS=','
    for host in $ALLOWED_HOSTS; do
        host="${host//[[:space:]]/}"
        if [ -n "$host" ]; then
            hosts="${hosts}${host},"
        fi
    done
    [ -n "$hosts" ] || fail "ALLOWED_HOSTS contains no host name"
    # Requests from inside the container (checks, debugging) use the loopback names.
    printf '%slocalhost,localhost:%s,127.0.0.1,127.0.0.1:%s' "$hosts" "$PORT" "$PORT"
}

# App Engine flexible sets these in every instance (see iap-guard/oneclickmlflow_iap/settings.py for the sources).
on_app_engine() {
    [ -n "${GAE_INSTANCE:-}${GAE_SERVICE:-}${GAE_VERSION:-}" ]
}

# Fails unless the IAP header check is configured: IAP_AUDIENCE set, or IAP_VERIFY=off outside App Engine. The
# server checks the same rules again when it loads the check; failing here stops the container before the secret
# is read, with the reason on stderr.
check_iap_settings() {
    case "${IAP_VERIFY:-on}" in
        on) ;;
        off)
            if on_app_engine; then
                fail "IAP_VERIFY=off is refused on App Engine (GAE_INSTANCE, GAE_SERVICE or GAE_VERSION is set): it is only for a local docker run"
            fi
            warn "IAP_VERIFY=off: requests are served without checking IAP's signed header; use this only for a local docker run"
            return
            ;;
        *) fail "IAP_VERIFY must be 'on' or 'off', got '$IAP_VERIFY'" ;;
    esac
    [ -n "${IAP_AUDIENCE:-}" ] ||
        fail "IAP_AUDIENCE is not set: it must be /projects/PROJECT_NUMBER/apps/PROJECT_ID (or IAP_VERIFY=off for a local docker run)"
    [[ "$IAP_AUDIENCE" =~ ^/projects/[0-9]+/apps/[a-z][a-z0-9.:-]*[a-z0-9]$ ]] ||
        fail "IAP_AUDIENCE must be /projects/PROJECT_NUMBER/apps/PROJECT_ID, got '$IAP_AUDIENCE'"
    if [ -n "${IAP_PUBLIC_KEYS_URL:-}" ] &&
        ! [[ "$IAP_PUBLIC_KEYS_URL" =~ ^https://[^/]+ || "$IAP_PUBLIC_KEYS_URL" =~ ^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?(/|$) ]]; then
        fail "IAP_PUBLIC_KEYS_URL must be an https:// URL (http:// only on loopback), got '$IAP_PUBLIC_KEYS_URL'"
    fi
}

require_env DB_PRIVATE_IP DB_NAME DB_USER DB_PASSWORD_SECRET ARTIFACT_DESTINATION ALLOWED_HOSTS
check_iap_settings

PORT="${PORT:-8080}"
is_positive_integer "$PORT" || fail "PORT must be a port number, got '$PORT'"
WORKERS="${WORKERS:-$(default_workers)}"
is_positive_integer "$WORKERS" || fail "WORKERS must be a positive whole number, got '$WORKERS'"

[[ "$DB_PASSWORD_SECRET" =~ ^projects/[^/]+/secrets/[^/]+/versions/[^/]+$ ]] ||
    fail "DB_PASSWORD_SECRET must be a secret version name like projects/PROJECT/secrets/SECRET/versions/latest, got '$DB_PASSWORD_SECRET'"
[[ "$ARTIFACT_DESTINATION" == gs://?* ]] ||
    fail "ARTIFACT_DESTINATION must be a gs:// bucket URI, got '$ARTIFACT_DESTINATION'"
[[ "$DB_PRIVATE_IP" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] ||
    fail "DB_PRIVATE_IP must be an IPv4 address, got '$DB_PRIVATE_IP'"

if ! db_password="$(mlflow-read-secret "$DB_PASSWORD_SECRET")"; then
    fail "could not read the database password from Secret Manager secret $DB_PASSWORD_SECRET"
fi
[ -n "$db_password" ] || fail "the Secret Manager secret $DB_PASSWORD_SECRET is empty"

# Each part is its own assignment so that a failure in any of them stops the script.
encoded_user="$(url_encode "$DB_USER")"
encoded_password="$(url_encode "$db_password")"
encoded_database="$(url_encode "$DB_NAME")"
ca_file="$(server_ca_file)"
tls_parameters="$(tls_query "$ca_file")"
server_allowed_hosts="$(allowed_hosts)"
backend_store_uri="mysql+pymysql://${encoded_user}:${encoded_password}@${DB_PRIVATE_IP}:${MYSQL_PORT}/${encoded_database}?${tls_parameters}"
unset db_password encoded_password

MLFLOW_BACKEND_STORE_URI="$backend_store_uri" mlflow-db-upgrade ||
    fail "upgrading the MLflow database schema failed"

MLFLOW_BACKEND_STORE_URI="$backend_store_uri" exec mlflow server \
    --host 0.0.0.0 \
    --port "$PORT" \
    --workers "$WORKERS" \
    --serve-artifacts \
    --artifacts-destination "$ARTIFACT_DESTINATION" \
    --allowed-hosts "$server_allowed_hosts" \
    --app-name "$IAP_APP_NAME"
