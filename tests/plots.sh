#!/bin/sh
# tests/plots.sh BUILD: write the lessons' plot data to BUILD/plots and, when
# gnuplot is installed, draw them as PNG. Without gnuplot it says so and stops.
build=$1
out="$build/plots"
mkdir -p "$out"
$EMULATOR "$build/lessons/02_chain_rule" --plot-data "$out/02_finite_difference_error.dat" > /dev/null || exit 1
for l in "$build"/lessons/09_*; do
    [ -x "$l" ] && $EMULATOR "$l" --plot-data "$out/09_optimisers.dat" > /dev/null
done
if [ -f "$build/mnist_history.csv" ]; then
    cp "$build/mnist_history.csv" "$out/10_history.csv"
else
    echo "no $build/mnist_history.csv for lesson 10's training curves: run make mnist first"
fi
model=
for m in "$build/mnist-deep.model" "$build/mnist.model"; do
    [ -f "$m" ] && { model=$m; break; }
done
if [ -n "$model" ] && [ -f data/mnist/t10k-images-idx3-ubyte ]; then
    $EMULATOR "$build/lessons/14_what_it_sees" --model "$model" --out "$out/14" --mistakes 0 > /dev/null || exit 1
else
    echo "no trained model ($build/mnist.model or $build/mnist-deep.model) or no MNIST for lesson 14: run make mnist first"
fi
if [ -f "$build/15_claims.csv" ]; then
    cp "$build/15_claims.csv" "$out/15_claims.csv"
else
    echo "no $build/15_claims.csv for lesson 15's curves: run make claims (or make claims QUICK=1) first"
fi
for pair in "mnist_history.csv 16_mnist.csv" "mnist-deep_history.csv 16_deep.csv" "speedrun_curve.csv 16_speedrun.csv"; do
    set -- $pair
    [ -f "$build/$1" ] && cp "$build/$1" "$out/$2"
done
[ -f "$build/speedrun_curve.csv" ] || echo "no $build/speedrun_curve.csv for lesson 16's curve: run make speedrun first"
echo "plot data written to $out/"
if ! command -v gnuplot > /dev/null 2>&1; then
    echo "gnuplot is not installed: skipping the PNGs (apt-get install gnuplot-nox to draw them)"
    exit 0
fi
for g in tests/plots/*.gp; do
    [ -f "$g" ] || continue
    gnuplot -e "dir='$out'" "$g" && echo "drew $out/$(basename "$g" .gp).png"
done
exit 0   # a plot whose data is missing (lesson 10 before make mnist) was reported above
