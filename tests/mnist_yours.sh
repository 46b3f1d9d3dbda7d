#!/bin/sh
# tests/mnist_yours.sh EX [FLAGS...]: make mnist EX=NN / EX=all / EX=none.
# Trains lesson 10's network with the student's functions from the solved
# exercises in place of the library's (src/tools/yours/: 01 conv forward,
# 06 conv backward, 04 ReLU, 05 max pooling, 07 dense, 08 softmax gradient,
# 09 momentum). Each chosen exercise must first pass make check (the same
# checks, the same messages); EX=none trains with the library alone, for
# comparison. FLAGS go to the trainer (build/yours/mnist_yours --help).
build=${BUILD:-build}
cc=${CC:-cc}
make_cmd=${MAKE:-make}
ex=$1
shift
in_network="01 04 05 06 07 08 09"
case $ex in
    all) chosen=$in_network ;;
    none) chosen="" ;;
    *)
        n=$(echo "$ex" | sed 's/^0*//')
        case $n in '' | *[!0-9]*) n=99 ;; esac
        n=$(printf '%02d' "$n")
        case " $in_network " in
            *" $n "*) chosen=$n ;;
            *) echo "make mnist EX=$ex: lesson 10's network uses exercises $in_network (or EX=all, EX=none)"; exit 2 ;;
        esac
        ;;
esac
for n in $chosen; do
    if ! report=$(BUILD="$build" sh tests/check.sh check "$n" 2>&1); then
        echo "$report"
        echo "make mnist: exercise $n does not pass make check yet (above), so it cannot train the network: fix it first"
        exit 1
    fi
done
$make_cmd -s --no-print-directory BUILD="$build" "$build/libcnn_double.a" || exit 1
defines=""
files=""
for n in $chosen; do
    defines="$defines -DYOURS_$n"
    files="$files $(ls exercises/"$n"_*.c | head -n 1)"
done
mkdir -p "$build/yours"
# EXTRA_CFLAGS: make sanitize's flags, which the library was built with.
# shellcheck disable=SC2086 # the lists are meant to split into words
$cc -std=c11 -O2 $EXTRA_CFLAGS -DREAL_DOUBLE -Isrc -Iexercises -Isrc/tools/yours $defines src/tools/yours/mnist_yours.c \
    src/tools/yours/layers.c $files "$build/libcnn_double.a" -lm -o "$build/yours/mnist_yours" || {
    echo "make mnist: the trainer did not build with your exercises (see above)"
    exit 1
}
exec $EMULATOR "$build/yours/mnist_yours" "$@"
