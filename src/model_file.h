/* model_file.h: a trained network on disk, both formats in one place.
 *
 * Every model file starts with the magic "CNNM" and a format version:
 *   version 1  lesson 10's network (src/convnet.h): written by lessons/10_mnist.c
 *   version 2  any sequential network (src/sequential.h): written by lessons/12_deeper.c
 * Both use the same encoding: 4-byte little-endian unsigned integers,
 * numbers as little-endian IEEE 754 binary32 (a real is rounded to float on
 * the way out), and a CRC-32 of every byte before it at the end. Saving
 * writes safely (src/out_file.h: the old file stays whole until the new one
 * is complete). Loading checks everything before trusting anything: the
 * magic, the version, a sane architecture, the length (before allocating),
 * the checksum, finite numbers; a bad file gives one line naming the file
 * and the problem. */
#ifndef MODEL_FILE_H
#define MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "convnet.h"
#include "real.h"
#include "sequential.h"

#define MODEL_MAGIC "CNNM"
#define MODEL_VERSION_CONVNET 1u
#define MODEL_VERSION_SEQUENTIAL 2u

/* ---------------------------------------------------------------- the encoding */

/* b[0..3] = v, little-endian; and back. */
void model_put_u32(unsigned char *b, uint32_t v);
uint32_t model_get_u32(const unsigned char *b);
/* b[0..3] = (float)v as IEEE 754 binary32, little-endian; and back. */
void model_put_real(unsigned char *b, real v);
real model_get_real(const unsigned char *b);

/* CRC-32 (polynomial 0xEDB88320, as in zlib and PNG), continued from crc
 * (start with 0): model_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t model_crc32(uint32_t crc, const unsigned char *bytes, size_t n);

/* ---------------------------------------------------------------- version 1: lesson 10's network */

/* The file (all integers little-endian uint32):
 *   "CNNM" | 1 | in_h in_w filters kernel pool classes | n_params
 *   | n_params parameters as float32, in the block's order (src/convnet.h)
 *   | CRC-32 of every byte before it
 * Returns 0, or -1 with one line in err naming the file and the system's reason. */
int convnet_save(const char *path, const convnet_arch *a, const convnet_params *p, char *err, size_t err_size);

/* Read and check a version-1 file. On success fills a and allocates p
 * (free with convnet_params_free) and returns 0; otherwise -1 with one line
 * naming the file and the problem. */
int convnet_load(const char *path, convnet_arch *a, convnet_params *p, char *err, size_t err_size);

/* ---------------------------------------------------------------- version 2: a sequential network */

/* The file (all integers little-endian uint32):
 *   "CNNM" | 2 | in_c in_h in_w | spec length L | n_params | n_stats
 *   | the spec, L bytes, then zero bytes to a multiple of 4
 *   | n_params parameters, n_stats statistics, float32
 *   | CRC-32 of every byte before it.
 * Returns 0, or -1 with one line in err. */
int sequential_save(const char *path, const sequential *m, const real *params, const real *stats,
                    char *err, size_t err_size);

/* Read and check a model file of version 1 or 2: a version-1 file is the
 * network "conv F K, relu, maxpool 2, flatten, dense C" with the same
 * parameters in the same order. On success fills m and allocates *params
 * (n_params) and *stats (n_stats, at least 1 number) (free both) and
 * returns 0; otherwise -1 with one line naming the file and the problem. */
int sequential_load(const char *path, sequential *m, real **params, real **stats, char *err, size_t err_size);

#endif
