#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks (Debian, Ubuntu).
#
#   scripts/postgres.sh start DIR [--port PORT]   create and start a cluster in DIR; print its URL
#   scripts/postgres.sh stop DIR                  stop the cluster and remove DIR
#   scripts/postgres.sh status DIR                exit 0 if the cluster in DIR is running
#
# start installs the PostgreSQL server (apt-get) when no /usr/lib/postgresql/*/bin/initdb
# exists, and uses the newest version found. DIR must be missing or empty; it then holds:
#
#   DIR/data         the cluster (superuser and database both named microgenre)
#   DIR/server.log   the server's log
#   DIR/pgpass       the superuser's random password, as a libpq password file (mode 600)
#   DIR/env          export PGPASSFILE=... and MICROGENRE_TEST_POSTGRES_URL=..., for `source`
#   DIR/.s.PGSQL.*   the unix socket (connections through it are trusted, no password)
#
# The server listens on 127.0.0.1 only, on PORT or on a free port, and asks for the password
# there (scram-sha-256). start prints one line on stdout, the URL without the password:
#
#   postgres://microgenre@127.0.0.1:PORT/microgenre
#
# Progress and errors go to stderr. Typical use:
#
#   dir=$(mktemp -d)
#   url=$(scripts/postgres.sh start "$dir")
#   PGPASSFILE="$dir/pgpass" psql "$url" -c 'select 1'
#   scripts/postgres.sh stop "$dir"
#
# initdb and the server refuse to run as root, so when this script runs as root (CI, the test
# command) the server runs as the unprivileged system user postgres (created if missing),
# which owns DIR; the parent directories of DIR are made traversable (o+x) for it if needed.
# pgpass and env stay owned by the invoking user.
set -euo pipefail

me=postgres.sh
die() {
    echo "$me: error: $*" >&2
    exit 1
}
note() { echo "$me: $*" >&2; }

usage() {
    echo "usage: $0 start DIR [--port PORT] | stop DIR | status DIR" >&2
    exit 2
}

(($# >= 2)) || usage
command=$1
dir=$2
shift 2
port=""
case $command in
    start)
        while (($#)); do
            case $1 in
                --port)
                    (($# >= 2)) || usage
                    port=$2
                    shift 2
                    ;;
                *) usage ;;
            esac
        done
        if [ -n "$port" ]; then
            if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || ((port > 65535)); then die "bad port: $port"; fi
        fi
        ;;
    stop | status) (($# == 0)) || usage ;;
    *) usage ;;
esac
[ -n "$dir" ] || usage

# The directory holding initdb, pg_ctl and friends of the newest installed version, or nothing.
find_bindir() {
    local initdb
    initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
    if [ -x "$initdb" ]; then dirname "$initdb"; fi
}

# Installs the server package, quietly; apt-get update only when the install fails without it
# (a fresh image has empty package lists).
install_postgresql() {
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q) log
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "PostgreSQL is not installed; run as root, or install the postgresql package"
        apt=(sudo "${apt[@]}")
    fi
    note "installing PostgreSQL (apt-get install postgresql)"
    log=$(mktemp)
    if ! "${apt[@]}" install -y --no-install-recommends postgresql >"$log" 2>&1; then
        if ! { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends postgresql; } >"$log" 2>&1; then
            tail -n 30 "$log" >&2
            rm -f "$log"
            die "could not install PostgreSQL (apt-get output above)"
        fi
    fi
    rm -f "$log"
}

# The user the server runs as: empty means the invoking user. As root, it is the owner of an
# existing cluster, else postgres.
pg_user=""
choose_user() {
    if [ "$(id -u)" -ne 0 ]; then return; fi
    if [ -d "$dir/data" ]; then
        pg_user=$(stat -c %U "$dir/data")
        if [ "$pg_user" != UNKNOWN ] && [ "$pg_user" != root ]; then return; fi
    fi
    pg_user=postgres
}

# Runs a command as the server's user, from inside DIR: the user may not be allowed to read
# the current directory (/root, say), which PostgreSQL's programs complain about.
run_as() {
    if [ -n "$pg_user" ]; then
        (cd "$dir" && runuser -u "$pg_user" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

is_running() {
    [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ] &&
        run_as "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

bindir=$(find_bindir)

case $command in
    status)
        [ -d "$dir" ] || exit 1
        dir=$(cd "$dir" && pwd -P)
        choose_user
        is_running
        exit
        ;;

    stop)
        [ -d "$dir" ] || exit 0
        dir=$(cd "$dir" && pwd -P)
        # Remove only what start creates: a mistyped DIR must not cost anyone a directory.
        shopt -s dotglob nullglob
        for entry in "$dir"/*; do
            case ${entry##*/} in
                data | server.log | initdb.log | pgpass | env | pwfile | .s.PGSQL.*) ;;
                *) die "$dir holds ${entry##*/}, which $me did not create; not removing it" ;;
            esac
        done
        shopt -u dotglob nullglob
        choose_user
        if is_running; then
            run_as "$bindir/pg_ctl" -D "$dir/data" -w -t 60 stop -m fast >/dev/null ||
                die "could not stop the server in $dir/data"
        fi
        rm -rf "$dir"
        exit 0
        ;;
esac

# start

if [ -z "$bindir" ]; then
    install_postgresql
    bindir=$(find_bindir)
    [ -n "$bindir" ] || die "installed the postgresql package, but found no /usr/lib/postgresql/*/bin/initdb"
fi

if [ -d "$dir" ]; then
    dir=$(cd "$dir" && pwd -P)
    choose_user
    if is_running; then die "$dir already holds a running cluster; stop it first: $0 stop $dir"; fi
    if [ -d "$dir/data" ]; then die "$dir holds a stopped cluster; remove it first: $0 stop $dir"; fi
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty; give a new or empty directory"
else
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
fi
# The server is started through a shell (pg_ctl), with DIR inside single quotes.
[[ $dir != *"'"* ]] || die "DIR must not contain a single quote: $dir"
# A unix socket's path is limited to 107 bytes.
socket_path="$dir/.s.PGSQL.65535"
((${#socket_path} <= 107)) || die "DIR is too long for a unix socket path (at most 92 characters): $dir"

choose_user
if [ -n "$pg_user" ]; then
    if ! id -u "$pg_user" >/dev/null 2>&1; then
        note "creating the system user $pg_user"
        useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$pg_user"
    fi
    chown "$pg_user:" "$dir"
    chmod 700 "$dir"
    # Each directory above DIR must be traversable by the server's user (mktemp -d makes
    # mode 700 directories owned by root, and DIR may be inside one). Checked from / down,
    # since a directory is reachable only through its parents.
    ancestors=()
    parent=$(dirname "$dir")
    while [ "$parent" != / ]; do
        ancestors=("$parent" "${ancestors[@]}")
        parent=$(dirname "$parent")
    done
    for parent in / "${ancestors[@]}"; do
        if ! runuser -u "$pg_user" -- test -x "$parent"; then
            note "making $parent traversable by $pg_user (chmod o+x)"
            chmod o+x "$parent"
            runuser -u "$pg_user" -- test -x "$parent" || die "$pg_user cannot traverse $parent"
        fi
    done
fi

# A random password, hex so that it needs no escaping in pgpass. initdb reads it from a file
# that lives only as long as initdb runs.
password=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
pwfile="$dir/pwfile"
trap 'rm -f "$pwfile"' EXIT
(umask 077 && printf '%s\n' "$password" >"$pwfile")
if [ -n "$pg_user" ]; then chown "$pg_user:" "$pwfile"; fi
note "creating the cluster in $dir/data"
if ! run_as "$bindir/initdb" -D "$dir/data" -U microgenre -E UTF8 --locale=C \
    --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
    tail -n 30 "$dir/initdb.log" >&2
    die "initdb failed (output above, in $dir/initdb.log)"
fi
rm -f "$pwfile" "$dir/initdb.log"

# A free port: bind port 0 and let the kernel choose. perl comes with PostgreSQL's packages
# on Debian, when python3 is missing.
if [ -z "$port" ]; then
    if command -v python3 >/dev/null 2>&1; then
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    else
        port=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1)->sockport')
    fi
fi

# Settings for a throwaway cluster: no fsync, no synchronous commit, no full-page writes (a
# crash can lose or corrupt the data, which nobody keeps), rare checkpoints, and more shared
# memory than the default 128MB. Never use these for data that matters.
note "starting the server on 127.0.0.1:$port"
options="-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off"
options+=" -c full_page_writes=off -c max_wal_size=4GB -c shared_buffers=256MB"
if ! output=$(run_as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o "$options" 2>&1); then
    echo "$output" >&2
    echo "--- last lines of $dir/server.log:" >&2
    tail -n 30 "$dir/server.log" >&2 || true
    die "the server did not start (port $port taken?); clean up with: $0 stop $dir"
fi

if ! run_as "$bindir/createdb" -h "$dir" -p "$port" -U microgenre microgenre >&2; then
    run_as "$bindir/pg_ctl" -D "$dir/data" -w stop -m immediate >/dev/null 2>&1 || true
    die "could not create the database microgenre; server stopped, clean up with: $0 stop $dir"
fi

url="postgres://microgenre@127.0.0.1:$port/microgenre"
(umask 077 && printf '127.0.0.1:%s:*:microgenre:%s\n' "$port" "$password" >"$dir/pgpass")
chmod 600 "$dir/pgpass"
printf 'export PGPASSFILE=%q\nexport MICROGENRE_TEST_POSTGRES_URL=%q\n' "$dir/pgpass" "$url" >"$dir/env"
echo "$url"
