# gnuplot -e "dir='build/plots'" tests/plots/02_finite_difference_error.gp
# The V-shaped curve of lesson 02: |error| of a central difference against h.
set terminal png size 800,560
set output dir.'/02_finite_difference_error.png'
set title "Central difference of sigmoid'(1): error against step h"
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "h"
set ylabel "|numeric - exact|"
set key bottom right
set grid
plot dir.'/02_finite_difference_error.dat' using 1:2 with linespoints title 'float', \
     ''                                     using 1:3 with linespoints title 'double'
