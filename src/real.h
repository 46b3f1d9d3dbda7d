/* real.h: the one scalar type of the library.
 *
 * Training runs in float, as every framework does. Gradient checks run in a
 * double build of the very same code (compiled with -DREAL_DOUBLE), where
 * central differences reach relative errors of 1e-8 and better.
 * The Makefile builds the library three times: build/libcnn_double.a,
 * build/libcnn_fast.a (float, the fast flags) and build/libcnn_float.a
 * (float, the portable flags); src/README.md says which program uses which. */
#ifndef REAL_H
#define REAL_H

#ifdef REAL_DOUBLE
typedef double real;
#define REAL_NAME "double"
#else
typedef float real;
#define REAL_NAME "float"
#endif

/* A program compiled with one real type and linked with the library of the
 * other links without a word and computes nonsense: it passes floats where
 * the library reads doubles (softmax of [0, 0, 0, 1, 0] came out as
 * [0, 0, 0, 1.875, 0]). So every file that includes this header refers to
 * a symbol that only the library of its own real type defines (src/real.c),
 * and a mix fails to link with the symbol's name as the explanation:
 *     undefined reference to `real_is_float__link_with_libcnn_float_a'
 * The reference is kept by gcc's and clang's `used' attribute (other
 * compilers: no check). */
#ifdef REAL_DOUBLE
#define REAL_LINK_CHECK real_is_double__link_with_libcnn_double_a
#else
#define REAL_LINK_CHECK real_is_float__link_with_libcnn_float_a
#endif
extern const char REAL_LINK_CHECK;
#if defined(__GNUC__) || defined(__clang__)
__attribute__((used)) static const char *const real_link_check = &REAL_LINK_CHECK;
#endif

#endif
