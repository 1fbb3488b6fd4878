/*
 * hello: proves knowledge of a factorisation. Input: two unsigned 32-bit little-endian factors a and b,
 * neither of them 1. Journal: their product as an unsigned 64-bit little-endian integer.
 * Exit codes: 0 ok, 1 malformed input, 2 a trivial factor.
 */
#include <stdint.h>

#include "zkvm.h"

static uint32_t read_u32(int *ok) {
  uint8_t b[4];
  if (zkvm_read(b, 4) != 4) *ok = 0;
  return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

int main(void) {
  int ok = 1;
  uint32_t a = read_u32(&ok);
  uint32_t b = read_u32(&ok);
  if (!ok) {
    zkvm_log("hello: expected 8 bytes of input (two u32 little-endian factors)");
    return 1;
  }
  if (a == 1 || b == 1) {
    zkvm_log("hello: trivial factor 1 rejected");
    return 2;
  }
  uint64_t product = (uint64_t)a * (uint64_t)b;
  uint8_t out[8];
  for (int i = 0; i < 8; i++) out[i] = (uint8_t)(product >> (8 * i));
  zkvm_commit(out, sizeof out);
  return 0;
}
