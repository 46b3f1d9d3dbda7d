# gnuplot -e "dir='build/plots'" tests/plots/10_history.gp
# Lesson 10's training curves: loss and accuracy after each epoch, on the
# training set (the running mean during the epoch) and on the test set.
# The data: the CSV that `make mnist` writes with --history
# (build/mnist_history.csv), which tests/plots.sh copies to dir/10_history.csv.
file = dir.'/10_history.csv'
if (system("test -f '".file."' && echo found") ne "found") {
    print "10_history.gp: no ".file.": run make mnist first"
    exit status 1
}
set terminal png size 1100,440
set output dir.'/10_history.png'
set datafile separator ','
set key autotitle columnhead
set grid
set xlabel "epoch"
set xtics 1
set multiplot layout 1,2 title "MNIST, conv -> ReLU -> maxpool -> dense -> softmax (lesson 10)"
set title "cross-entropy loss"
set ylabel "mean loss"
set key top right
plot file using 1:2 with linespoints title 'train (moved images, mean over the epoch)', \
     ''   using 1:4 with linespoints title 'test (after the epoch)'
set title "accuracy"
set ylabel "fraction right"
set key bottom right
plot file using 1:3 with linespoints title 'train (moved images, mean over the epoch)', \
     ''   using 1:5 with linespoints title 'test (after the epoch)'
unset multiplot
