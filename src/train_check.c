/* train_check.c: see train_check.h. */
#include "train_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int loss_is_sane(double loss)
{
    return loss < TRAIN_LOSS_LIMIT;   /* false for NaN and +infinity too */
}

void describe_loss(double loss, char *buf, size_t size)
{
    if (isnan(loss))
        snprintf(buf, size, "NaN");
    else if (isinf(loss))
        snprintf(buf, size, "infinite");
    else
        snprintf(buf, size, "%g", loss);
}

double safer_learning_rate(double lr, double default_lr)
{
    return lr > default_lr ? default_lr : lr / 10;
}

int collapsed_class(const int *predictions, int n, int classes, double accuracy, double *share)
{
    *share = 0;
    if (n <= 0 || classes < 2 || accuracy > 2.0 / classes)
        return -1;
    long *count = calloc((size_t)classes, sizeof *count);
    if (count == NULL)
        return -1;                    /* cannot count: say nothing rather than guess */
    int top = 0;
    for (int i = 0; i < n; i++)
        if (predictions[i] >= 0 && predictions[i] < classes)
            count[predictions[i]]++;
    for (int c = 1; c < classes; c++)
        if (count[c] > count[top])
            top = c;
    *share = (double)count[top] / n;
    free(count);
    return *share >= 0.95 ? top : -1;
}
