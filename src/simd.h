/* simd.h: the widest vector unit this build may use, from the compiler's
 * predefined macros (lesson 11).
 *
 * One instruction of a vector unit works on a whole register of numbers:
 * 16 bytes (4 floats) with SSE or NEON, 32 (8 floats) with AVX and AVX2, 64
 * (16 floats) with AVX-512. Which one a program may use is decided when it
 * is compiled: -march=native (the Makefile's fast flags) lets the compiler
 * use everything the CPU it runs on has, and then defines __AVX512F__,
 * __AVX2__, ... accordingly. The FMA peak probe (roofline.c) and the GEMM's
 * register tile (gemm.h) are sized from these figures.
 *
 *   SIMD_BYTES      bytes of one vector register (0: no vector unit known)
 *   SIMD_REGISTERS  how many vector registers the instruction set names
 *   SIMD_NAME       the instruction set, for printing
 *   SIMD_LANES      `real`s per vector register (1 without a vector unit)
 *   SIMD_VECTORS    1 when gcc's/clang's vector extensions can be used (then
 *                   simd_vec is a vector of SIMD_LANES reals), else 0: a
 *                   plain C11 compiler gets plain loops, same results.
 *
 * Vector extensions (gcc's `vector_size', also in clang) are not ISO C, so
 * they are only used behind SIMD_VECTORS, each with its plain-C fallback. */
#ifndef SIMD_H
#define SIMD_H

#include "real.h"

#if defined(__AVX512F__)
#define SIMD_BYTES 64
#define SIMD_REGISTERS 32
#define SIMD_NAME "AVX-512"
#elif defined(__AVX2__)
#define SIMD_BYTES 32
#define SIMD_REGISTERS 16
#define SIMD_NAME "AVX2"
#elif defined(__AVX__)
#define SIMD_BYTES 32
#define SIMD_REGISTERS 16
#define SIMD_NAME "AVX"
#elif (defined(__ARM_NEON) || defined(__ARM_NEON__)) && (defined(__aarch64__) || defined(_M_ARM64))
#define SIMD_BYTES 16
#define SIMD_REGISTERS 32
#define SIMD_NAME "NEON (AArch64)"
#elif defined(__ARM_NEON) || defined(__ARM_NEON__)
#define SIMD_BYTES 16
#define SIMD_REGISTERS 16
#define SIMD_NAME "NEON"
#elif defined(__SSE2__) || defined(__x86_64__) || defined(_M_X64)
#define SIMD_BYTES 16
#define SIMD_REGISTERS 16
#define SIMD_NAME "SSE"
#else
#define SIMD_BYTES 0
#define SIMD_REGISTERS 8
#define SIMD_NAME "none (scalar)"
#endif

#ifdef REAL_DOUBLE
#define SIMD_REAL_BYTES 8
#else
#define SIMD_REAL_BYTES 4
#endif
#if SIMD_BYTES > 0
#define SIMD_LANES (SIMD_BYTES / SIMD_REAL_BYTES)
#else
#define SIMD_LANES 1
#endif

#if SIMD_BYTES > 0 && (defined(__GNUC__) || defined(__clang__)) && !defined(SIMD_PLAIN_C)
#define SIMD_VECTORS 1
typedef real simd_vec __attribute__((vector_size(SIMD_BYTES)));
#else
#define SIMD_VECTORS 0
#endif

/* clang splits 64-byte vectors into two 32-byte halves when it was told
 * (as -march=native does on Intel) to prefer 32-byte vectors, unless a
 * function asks for the full width; gcc keeps the width of the type. */
#if SIMD_BYTES == 64 && defined(__clang__)
#define SIMD_FULL_WIDTH __attribute__((min_vector_width(512)))
#else
#define SIMD_FULL_WIDTH
#endif

#endif
