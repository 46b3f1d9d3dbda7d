#!/bin/sh
# tests/predict_accuracy.sh MODEL [N] [DATA]: how often build/predict reads a
# user's kind of picture right. The first N MNIST test digits (default 200)
# are turned, with ImageMagick, into the pictures users bring:
#   ink-on-paper   grey ink 70 on grey paper 175 (a photo of a digit on paper)
#   dim-photo      ink 40 on paper 115 (the same, under a dim light)
#   bold-on-black  white on black, the digit enlarged to fill the frame (aspect kept), thickened
#   black-on-white plain black ink on white
#   photo-150x160  ink-on-paper, 4 times larger, off centre on a 160x150 page, with noise
# and each is given to build/predict. Prints the accuracy per kind; with
# BEFORE=path/to/another/predict, that program's accuracy beside it;
# KINDS="..." to try only some kinds.
# Not part of make test: it needs the MNIST files and a trained model
# (make mnist), and ImageMagick's convert.
model=${1:?usage: sh tests/predict_accuracy.sh MODEL [N] [DATA]}
n=${2:-200}
data=${3:-data/mnist}
build=${BUILD:-build}
command -v convert > /dev/null 2>&1 || { echo "needs ImageMagick (apt-get install imagemagick)"; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/predict_accuracy.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

make_picture() {   # kind in.pgm out.pgm
    case $1 in
        ink-on-paper)   convert "$2" -negate +level 27.45%,68.63% "$3" ;;
        dim-photo)      convert "$2" -negate +level 15.69%,45.10% "$3" ;;
        bold-on-black)  convert "$2" -trim +repage -resize 26x26 -background black -gravity center -extent 28x28 \
                            -morphology Dilate Disk:1 "$3" ;;
        black-on-white) convert "$2" -negate "$3" ;;
        photo-150x160)  convert "$2" -negate +level 27.45%,68.63% -resize 400% -background 'gray(175)' \
                            -gravity northwest -splice 30x12 -extent 160x150 \
                            -seed 1 -attenuate 0.4 +noise Gaussian "$3" ;;
    esac
}

kinds=${KINDS:-ink-on-paper dim-photo bold-on-black black-on-white photo-150x160}
printf '%-16s %8s' "picture" "after"
[ -n "$BEFORE" ] && printf ' %8s' "before"
printf '   (%s test digits)\n' "$n"
for kind in $kinds; do
    right=0
    right_before=0
    i=0
    while [ "$i" -lt "$n" ]; do
        label=$($EMULATOR "$build/predict" --dump-pgm "$i" "$dir/d.pgm" --data "$data" | sed 's/.*(label \([0-9]\)).*/\1/')
        make_picture "$kind" "$dir/d.pgm" "$dir/p.pgm"
        said=$($EMULATOR "$build/predict" "$model" "$dir/p.pgm" 2> /dev/null | sed -n 's/^the network says: \([0-9]\).*/\1/p')
        [ "$said" = "$label" ] && right=$((right + 1))
        if [ -n "$BEFORE" ]; then
            said=$("$BEFORE" "$model" "$dir/p.pgm" 2> /dev/null | sed -n 's/^the network says: \([0-9]\).*/\1/p')
            [ "$said" = "$label" ] && right_before=$((right_before + 1))
        fi
        i=$((i + 1))
    done
    printf '%-16s %7.1f%%' "$kind" "$(echo "100 * $right / $n" | bc -l)"
    [ -n "$BEFORE" ] && printf ' %7.1f%%' "$(echo "100 * $right_before / $n" | bc -l)"
    printf '\n'
done
