/*
 * Differential-test program: the same source runs natively (gcc) and in the zkVM (clang, RV32IM), and the
 * journals must match. Exercises 64-bit arithmetic (libgcc), sign extension, shifts, jump tables,
 * function pointers, recursion, struct copies and the libc subset.
 */
#include <stdint.h>
#include <string.h>

#include "zkvm.h"

static uint64_t state;

static uint64_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static uint8_t out[8192];
static size_t used;

static void put(uint64_t v) {
  for (int i = 0; i < 8; i++) out[used++] = (uint8_t)(v >> (8 * i));
  if (used + 8 > sizeof out) {
    zkvm_commit(out, used);
    used = 0;
  }
}

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int32_t op_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t op_xor(int32_t a, int32_t b) { return a ^ b; }
static int32_t op_min(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t (*const ops[3])(int32_t, int32_t) = {op_add, op_xor, op_min};

static uint32_t classify(uint32_t v) {
  switch (v % 11) {
    case 0: return 17;
    case 1: return v >> 3;
    case 2: return v * 3;
    case 3: return ~v;
    case 4: return v ^ 0x5a5a5a5a;
    case 5: return v + 12345;
    case 6: return (v << 7) | (v >> 25);
    case 7: return v & 0xff00ff;
    case 8: return v | 1;
    case 9: return v - 99;
    default: return 0xdeadbeef;
  }
}

struct big {
  uint32_t words[9];
  uint8_t tail[3];
};

int main(void) {
  uint8_t seed[8] = {0};
  zkvm_read(seed, sizeof seed);
  memcpy(&state, seed, sizeof state);
  if (state == 0) state = 0x9e3779b97f4a7c15ull;

  for (int i = 0; i < 300; i++) {
    uint64_t a = next(), b = next();
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)(b >> 32);
    int32_t s32 = (int32_t)a32, t32 = (int32_t)b32;
    unsigned sh = (unsigned)(b & 63);
    put(a * b);
    put(b ? a / b : 0);
    put(b ? a % b : 0);
    if (sb != 0 && !(sa == INT64_MIN && sb == -1)) {
      put((uint64_t)(sa / sb));
      put((uint64_t)(sa % sb));
    }
    uint64_t small = (b & 0xffff) + 1;
    put(a / small);
    put((uint64_t)(sa / (int64_t)small));
    put((uint64_t)(sa % -(int64_t)small));
    put(a << sh);
    put(a >> sh);
    put((uint64_t)(sa >> sh));
    put((uint64_t)(int64_t)(int8_t)a32);
    put((uint64_t)(int64_t)(int16_t)a32);
    put((uint64_t)(uint8_t)a32);
    put((uint64_t)(int64_t)s32 * (int64_t)t32);
    put((uint64_t)a32 * (uint64_t)b32);
    put((uint64_t)(int64_t)s32 * (uint64_t)b32);
    put((uint64_t)(s32 < t32) | ((uint64_t)(a32 < b32) << 1) | ((uint64_t)(sa < sb) << 2) | ((uint64_t)(a < b) << 3));
    if (t32 != 0 && !(s32 == INT32_MIN && t32 == -1)) put((uint64_t)(int64_t)(s32 / t32 + s32 % t32));
    put((uint64_t)(s32 >> (b32 & 31)));
    put(classify(a32));
    put((uint64_t)(int64_t)ops[b32 % 3](s32, t32));
    put((uint64_t)__builtin_popcountll(a) | ((uint64_t)__builtin_clzll(a | 1) << 8) | ((uint64_t)__builtin_ctzll(a | (1ull << 63)) << 16));
  }

  put(fib(20));

  struct big x, y;
  for (int i = 0; i < 9; i++) x.words[i] = (uint32_t)next();
  x.tail[0] = 1;
  x.tail[1] = 2;
  x.tail[2] = 3;
  y = x;
  put(y.words[8] ^ y.tail[2]);
  char text[64] = "differential testing of the zkvm";
  memmove(text + 4, text, 20);
  put((uint64_t)strlen(text));
  put((uint64_t)(memcmp(text, "diffdiff", 8) == 0));
  put((uint64_t)(int64_t)strcmp("abc", "abd"));
  zkvm_commit(out, used);
  zkvm_log("arith done");
  return (int)(state & 0x7f);
}
