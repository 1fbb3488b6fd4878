/*
 * Executor benchmark guest: a loop-heavy mix of ALU, multiply, loads, stores and branches.
 * Input: u32 little-endian iteration count (default 1,000,000). Journal: a u32 checksum.
 */
#include <stdint.h>

#include "zkvm.h"

static uint32_t table[1024];

int main(void) {
  uint32_t n = 1000000;
  uint8_t b[4];
  if (zkvm_read(b, 4) == 4) n = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
  uint32_t x = 0x12345678, acc = 0;
  for (uint32_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    uint32_t slot = x & 1023;
    table[slot] += x * 2654435761u;
    if (table[slot] & 1) acc += table[(slot + 1) & 1023];
    else acc ^= table[slot] >> 3;
  }
  uint8_t out[4] = {(uint8_t)acc, (uint8_t)(acc >> 8), (uint8_t)(acc >> 16), (uint8_t)(acc >> 24)};
  zkvm_commit(out, 4);
  return 0;
}
