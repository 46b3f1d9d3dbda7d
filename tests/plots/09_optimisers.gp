# gnuplot -e "dir='build/plots'" tests/plots/09_optimisers.gp
# Lesson 09's race: the loss of the filter-learning problem after each epoch
# (32 image gradients) for four optimisers, on a log scale.
set terminal png size 800,560
set output dir.'/09_optimisers.png'
set title "Recovering a 3x3 filter: loss against work done (lesson 09)"
set logscale y
set format y "10^{%L}"
set xlabel "epoch (32 image gradients each)"
set ylabel "mean squared error / 2, all 32 images"
set key bottom left
set grid
plot dir.'/09_optimisers.dat' using 1:3 with linespoints title 'gradient descent (1 update/epoch)', \
     ''                       using 1:4 with linespoints title 'SGD (mini-batch 4)', \
     ''                       using 1:5 with linespoints title 'SGD + momentum 0.9', \
     ''                       using 1:6 with linespoints title 'Adam'
