# gnuplot -e "dir='build/plots'" tests/plots/14_what_it_sees.gp
# Lesson 14: one image as the network sees it: the image, the final layer's
# ten probabilities, and the saliency map (d logit / d pixel) in colour,
# red where brightening the pixel raises the winning class's logit and blue
# where it lowers it, white at 0, on a scale symmetric about 0.
# The data: the files build/lessons/14_what_it_sees writes into its --out
# directory, which tests/plots.sh (make plots) points at dir/14.
in = dir.'/14'
if (system("test -f '".in."/saliency.dat' && echo found") ne "found") {
    print "14_what_it_sees.gp: no ".in."/saliency.dat: run make mnist (or make mnist-deep), then make plots"
    exit status 1
}
stats in.'/saliency.dat' matrix using 3 nooutput
M = abs(STATS_min) > abs(STATS_max) ? abs(STATS_min) : abs(STATS_max)
# pngcairo: libgd's png terminal keeps the first plot's palette for the whole page
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo size 1200,420
} else {
    set terminal png size 1200,420
}
set output dir.'/14_what_it_sees.png'
set multiplot layout 1,3 title "What the network sees (lesson 14)"
unset key
set size ratio -1
set xrange [-0.5:27.5]
set yrange [27.5:-0.5]
unset xtics
unset ytics

set title "the image (pixel / 255)"
set palette model RGB defined (0 'black', 1 'white')
set cbrange [0:1]
plot in.'/input.dat' matrix with image

set title "saliency: d logit / d pixel"
set cbrange [-M:M]
set palette model RGB defined (-1 'blue', 0 'white', 1 'red')
plot in.'/saliency.dat' matrix with image

set title "the final layer: probabilities"
set size noratio
set autoscale
set xrange [-0.7:9.7]
set yrange [0:1.05]
set xtics 0,1,9
set ytics 0,0.2,1
set style fill solid 0.8
set boxwidth 0.7
unset colorbox
plot in.'/probabilities.dat' using 1:2 with boxes lc rgb '#404040'
unset multiplot
