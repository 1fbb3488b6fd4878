/*
 * Reference for `npm run bench -- poseidon2`: the same Poseidon2-BabyBear width-24 permutation as
 * src/hash/poseidon2.ts in plain scalar C (64-bit products reduced with `%` by the constant p, which gcc
 * lowers to a multiply-high sequence), built with `gcc -O3`. The bench writes the constants to
 * poseidon2-constants.h from the TypeScript module, checks this program's output against ours on one
 * state, and divides the timings. Usage: poseidon2 <24 lanes> <permutations to time>.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "poseidon2-constants.h" /* FULL_RC[8 * 24], PARTIAL_RC[21], DIAGONAL[24] */

#define P 2013265921u
#define WIDTH 24

static inline uint32_t mul_mod(uint32_t a, uint32_t b) { return (uint32_t)(((uint64_t)a * b) % P); }

static inline uint32_t sbox(uint32_t x) {
  uint32_t x2 = mul_mod(x, x), x3 = mul_mod(x2, x), x6 = mul_mod(x3, x3);
  return mul_mod(x6, x);
}

/* M4 on each block of four (sums stay below 2^36), then the column sums across blocks. */
static void external_layer(uint32_t *s) {
  uint64_t v[WIDTH], col[4] = {0, 0, 0, 0};
  for (int b = 0; b < WIDTH; b += 4) {
    uint64_t x0 = s[b], x1 = s[b + 1], x2 = s[b + 2], x3 = s[b + 3];
    uint64_t t0 = x0 + x1, t1 = x2 + x3, t2 = 2 * x1 + t1, t3 = 2 * x3 + t0;
    uint64_t t4 = 4 * t1 + t3, t5 = 4 * t0 + t2;
    v[b] = t3 + t5;
    v[b + 1] = t5;
    v[b + 2] = t2 + t4;
    v[b + 3] = t4;
    for (int j = 0; j < 4; j++) col[j] += v[b + j];
  }
  for (int i = 0; i < WIDTH; i++) s[i] = (uint32_t)((v[i] + col[i % 4]) % P);
}

static void internal_layer(uint32_t *s) {
  uint64_t sum = 0;
  for (int i = 0; i < WIDTH; i++) sum += s[i];
  for (int i = 0; i < WIDTH; i++) s[i] = (uint32_t)((sum + (uint64_t)DIAGONAL[i] * s[i]) % P);
}

static void permute(uint32_t *s) {
  external_layer(s);
  for (int r = 0; r < 4; r++) {
    for (int i = 0; i < WIDTH; i++) s[i] = sbox((s[i] + FULL_RC[r * WIDTH + i]) % P);
    external_layer(s);
  }
  for (int r = 0; r < 21; r++) {
    s[0] = sbox((s[0] + PARTIAL_RC[r]) % P);
    internal_layer(s);
  }
  for (int r = 4; r < 8; r++) {
    for (int i = 0; i < WIDTH; i++) s[i] = sbox((s[i] + FULL_RC[r * WIDTH + i]) % P);
    external_layer(s);
  }
}

int main(int argc, char **argv) {
  if (argc != WIDTH + 2) {
    fprintf(stderr, "usage: poseidon2 <24 lanes> <permutations>\n");
    return 2;
  }
  uint32_t s[WIDTH];
  for (int i = 0; i < WIDTH; i++) s[i] = (uint32_t)strtoul(argv[i + 1], NULL, 10);
  long n = strtol(argv[WIDTH + 1], NULL, 10);
  permute(s);
  for (int i = 0; i < WIDTH; i++) printf("%u%c", s[i], i + 1 < WIDTH ? ' ' : '\n');
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long k = 0; k < n; k++) permute(s); /* a chain: each permutation depends on the last */
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
  printf("%.1f %u\n", ns / n, s[0]);
  return 0;
}
