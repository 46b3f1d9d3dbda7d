/* real.h: the one scalar type of the library.
 *
 * Training runs in float, as every framework does. Gradient checks run in a
 * double build of the very same code (compiled with -DREAL_DOUBLE), where
 * central differences reach relative errors of 1e-8 and better.
 * The Makefile builds the library twice: build/libcnn_float.a and
 * build/libcnn_double.a. */
#ifndef REAL_H
#define REAL_H

#ifdef REAL_DOUBLE
typedef double real;
#define REAL_NAME "double"
#else
typedef float real;
#define REAL_NAME "float"
#endif

#endif
