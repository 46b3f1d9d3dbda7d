# gnuplot -e "dir='build/plots'" tests/plots/15_claims.gp
# Lesson 15's curves, from the CSV that build/lessons/15_claims writes with
# --csv (make claims writes build/15_claims.csv; tests/plots.sh copies it to
# dir/15_claims.csv): one line per seed, so the spread shows.
#   top left:     ReLU against tanh: the training error after each epoch, lr 0.03
#   top right:    the trained networks' test accuracy against a shift of 0-4 pixels
#   bottom left:  dropout on the small set: training and test loss after each epoch
#   bottom right: dropout on the large set: the same
# Training curves are dashed with open circles, test curves solid with
# filled circles: the dashes need pngcairo (libgd's png terminal draws every
# line solid), the circles tell them apart on either terminal.
# Each line of the CSV: experiment,variant,seed,x,measure,value.
file = dir.'/15_claims.csv'
if (system("test -f '".file."' && echo found") ne "found") {
    print "15_claims.gp: no ".file.": run make claims (or make claims QUICK=1) first"
    exit status 1
}
# The rows of one run (or of the table's "mean" and "sd"): x and value, in order.
rows(exp, variant, seed, measure) = sprintf("< awk -F, '$1==\"%s\" && index($2, \"%s\")==1 && $3==\"%s\" && $5==\"%s\" && $6!=\"\" {print $4, $6}' '%s'", exp, variant, seed, measure, file)
# The table's mean and sd side by side: x, mean, sd.
mean_sd(exp, variant, measure) = sprintf("< awk -F, '$1==\"%s\" && $2==\"%s\" && $5==\"%s\" && $3==\"mean\" {m[$4]=$6} $1==\"%s\" && $2==\"%s\" && $5==\"%s\" && $3==\"sd\" {print $4, m[$4], $6}' '%s'", exp, variant, measure, exp, variant, measure, file)
# How many seeds the runs of a variant have (the largest seed number in its rows).
seeds(exp, variant) = int(system(sprintf("awk -F, '$1==\"%s\" && index($2, \"%s\")==1 && $3 ~ /^[0-9]+$/ && $3+0 > m {m = $3+0} END {print m+0}' '%s'", exp, variant, file)))
cairo = strstrt(GPVAL_TERMINALS, "pngcairo") > 0
if (cairo) {
    set terminal pngcairo size 1200,1000 font ",10"
} else {
    set terminal png size 1200,1000
}
markers = cairo ? "training: dashed, open circles; test: solid, filled circles" \
                : "training: open circles; test: filled circles"
set output dir.'/15_claims.png'
set grid
set format y "%g"
set multiplot layout 2,2 title "Lesson 15: the sources' claims, tested (one line per seed)"

set title "ReLU against tanh, lr 0.03: training error (test mode)"
set xlabel "epoch"
set ylabel "error"
set logscale y
set xtics 1
set key top right
plot for [s=1:seeds("relu-tanh", "relu lr 0.03")] rows("relu-tanh", "relu lr 0.03", sprintf("%d", s), "train_error") using 1:2 \
         with linespoints lc rgb "#1f77b4" pt 7 ps 0.8 title (s == 1 ? "ReLU (filled circles)" : ""), \
     for [s=1:seeds("relu-tanh", "tanh lr 0.03")] rows("relu-tanh", "tanh lr 0.03", sprintf("%d", s), "train_error") using 1:2 \
         with linespoints lc rgb "#d62728" pt 5 ps 0.8 title (s == 1 ? "tanh (filled squares)" : "")
unset logscale y

set title "Moved test digits: accuracy (mean and sd over seeds)"
set xlabel "shift (pixels, mean of down, up, right, left)"
set ylabel "test accuracy"
set xtics 1
set key bottom left
plot mean_sd("translation", "CNN", "test_accuracy_moved") using 1:2:3 with yerrorlines title "CNN", \
     mean_sd("translation", "CNN trained on moved images", "test_accuracy_moved") using 1:2:3 with yerrorlines \
         title "CNN trained on moved images", \
     mean_sd("translation", "dense with 30 hidden", "test_accuracy_moved") using 1:2:3 with yerrorlines \
         title "dense, 30 hidden"
set xtics autofreq

# The legend goes below each dropout panel, where no curve is.
do for [set_name in "small large"] {
    set title sprintf("Dropout, the %s set: loss (test mode)\n%s", set_name, markers)
    set xlabel "epoch"
    set ylabel "cross-entropy loss"
    set logscale y
    set key below horizontal maxcols 2 samplen 4 spacing 1.2
    xstep = set_name eq "small" ? 5 : 1    # an increment: "set xtics (5)" would be a list of one tick
    set xtics xstep
    every = set_name eq "small" ? 3 : 1    # a circle every few epochs on the long curves
    n = seeds("dropout", "no dropout on the ".set_name)
    plot for [s=1:n] rows("dropout", "no dropout on the ".set_name, sprintf("%d", s), "train_loss") using 1:2 \
             with linespoints lc rgb "#1f77b4" dt 2 pt 6 pi every title (s == 1 ? "no dropout, training" : ""), \
         for [s=1:n] rows("dropout", "no dropout on the ".set_name, sprintf("%d", s), "test_loss") using 1:2 \
             with linespoints lc rgb "#1f77b4" dt 1 pt 7 pi every title (s == 1 ? "no dropout, test" : ""), \
         for [s=1:n] rows("dropout", "dropout 0.5 on the ".set_name, sprintf("%d", s), "train_loss") using 1:2 \
             with linespoints lc rgb "#d62728" dt 2 pt 6 pi every title (s == 1 ? "dropout 0.5, training" : ""), \
         for [s=1:n] rows("dropout", "dropout 0.5 on the ".set_name, sprintf("%d", s), "test_loss") using 1:2 \
             with linespoints lc rgb "#d62728" dt 1 pt 7 pi every title (s == 1 ? "dropout 0.5, test" : "")
    unset logscale y
}
unset multiplot
