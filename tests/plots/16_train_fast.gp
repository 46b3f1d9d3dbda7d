# gnuplot -e "dir='build/plots'" tests/plots/16_train_fast.gp
# Lesson 16: validation accuracy against training seconds (wall clock) for
# lesson 10's recipe (make mnist), Doshi's network (make mnist-deep) and the
# speedrun (make speedrun). The validation images (the last 5,000 training
# images) are scored after every epoch; the test set only once, at the end,
# so it is not on this curve. The data, which tests/plots.sh copies to dir:
#   16_mnist.csv       build/mnist_history.csv       (epoch, ..., val_acc (5), seconds (6): per epoch)
#   16_deep.csv        build/mnist-deep_history.csv  (the same columns)
#   16_speedrun.csv    build/speedrun_curve.csv      (recipe, seed, epoch, seconds so far (4), val_accuracy (5))
# A missing file leaves its curve out. Seconds are whatever the machine gave: a busy machine
# stretches them.
set terminal png size 900,560
set output dir.'/16_train_fast.png'
set datafile separator ','
set grid
set logscale x
set xlabel "training seconds (wall clock; log scale)"
set ylabel "validation accuracy (%)"
set yrange [97:100]
set key bottom right
set title "MNIST: accuracy against time (lesson 16)"
have(f) = system("test -f '".dir."/".f."' && echo 1 || echo 0") eq "1"
m = dir.'/16_mnist.csv'
d = dir.'/16_deep.csv'
s = dir.'/16_speedrun.csv'
plots = ''
if (have('16_mnist.csv')) { plots = plots.sprintf("'%s' every ::1 using (a = (column(1) == 1 ? 0 : a) + column(6)):(100*column(5)) with linespoints title \"lesson 10's recipe (make mnist)\", ", m) }
if (have('16_deep.csv')) { plots = plots.sprintf("'%s' every ::1 using (b = (column(1) == 1 ? 0 : b) + column(6)):(100*column(5)) with linespoints title \"Doshi's network (make mnist-deep)\", ", d) }
if (have('16_speedrun.csv')) { plots = plots.sprintf("'%s' every ::1 using 4:(100*column(5)) with points pt 7 title \"the speedrun (make speedrun), each seed after each epoch\", ", s) }
if (plots eq '') {
    print "16_train_fast.gp: none of 16_mnist.csv, 16_deep.csv, 16_speedrun.csv in ".dir.": run make mnist, make mnist-deep or make speedrun first"
    exit status 1
}
a = 0
b = 0
eval('plot '.plots[1:strlen(plots)-2])
