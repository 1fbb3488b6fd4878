/*
 * zkvm-kit guest runtime: ecall wrappers, the journal hash and the Output digest, and the few libc
 * functions a compiler may call (memcpy, memset, memmove, memcmp).
 */
#include "zkvm.h"

#include <stdint.h>
#include <string.h>

#define SYS_HALT 0
#define SYS_READ 1
#define SYS_WRITE 2
#define FD_STDERR 2
#define FD_JOURNAL 3

static inline uint32_t ecall3(uint32_t n, uint32_t a0, uint32_t a1, uint32_t a2) {
  register uint32_t t0_ __asm__("t0") = n;
  register uint32_t a0_ __asm__("a0") = a0;
  register uint32_t a1_ __asm__("a1") = a1;
  register uint32_t a2_ __asm__("a2") = a2;
  __asm__ volatile("ecall" : "+r"(a0_), "+r"(a1_) : "r"(t0_), "r"(a2_) : "memory");
  return a0_;
}

/* ---- SHA-256 (FIPS 180-4), incremental ---- */

typedef struct {
  uint32_t h[8];
  uint8_t block[64];
  uint32_t fill;
  uint64_t total;
} zkvm_sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) {
    w[i] = ((uint32_t)p[4 * i] << 24) | ((uint32_t)p[4 * i + 1] << 16) | ((uint32_t)p[4 * i + 2] << 8) |
           (uint32_t)p[4 * i + 3];
  }
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

static void sha256_init(zkvm_sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; i++) s->h[i] = iv[i];
  s->fill = 0;
  s->total = 0;
}

static void sha256_update(zkvm_sha256 *s, const uint8_t *p, size_t n) {
  s->total += n;
  while (n > 0) {
    if (s->fill == 0 && n >= 64) {
      sha256_block(s->h, p);
      p += 64;
      n -= 64;
      continue;
    }
    size_t take = 64 - s->fill;
    if (take > n) take = n;
    memcpy(s->block + s->fill, p, take);
    s->fill += take;
    p += take;
    n -= take;
    if (s->fill == 64) {
      sha256_block(s->h, s->block);
      s->fill = 0;
    }
  }
}

static void sha256_final(zkvm_sha256 *s, uint8_t out[32]) {
  uint64_t bits = s->total * 8;
  uint8_t pad = 0x80;
  sha256_update(s, &pad, 1);
  uint8_t zero = 0;
  while (s->fill != 56) sha256_update(s, &zero, 1);
  uint8_t len[8];
  for (int i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(s, len, 8);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(s->h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
    out[4 * i + 3] = (uint8_t)s->h[i];
  }
}

/* ---- journal and halting ---- */

static zkvm_sha256 journal_hash;
static int journal_started;

size_t zkvm_read(void *buf, size_t len) { return ecall3(SYS_READ, (uint32_t)buf, len, 0); }

void zkvm_commit(const void *buf, size_t len) {
  if (!journal_started) {
    sha256_init(&journal_hash);
    journal_started = 1;
  }
  sha256_update(&journal_hash, buf, len);
  ecall3(SYS_WRITE, FD_JOURNAL, (uint32_t)buf, len);
}

void zkvm_log(const char *msg) {
  ecall3(SYS_WRITE, FD_STDERR, (uint32_t)msg, strlen(msg));
  ecall3(SYS_WRITE, FD_STDERR, (uint32_t) "\n", 1);
}

/*
 * Output digest = RISC Zero's tagged struct "risc0.Output" over (sha256(journal), assumptions = 0):
 * sha256(sha256("risc0.Output") || journal digest || 32 zero bytes || 02 00).
 */
_Noreturn void zkvm_exit(unsigned code) {
  static const char tag[] = "risc0.Output";
  uint8_t buf[32 + 32 + 32 + 2];
  zkvm_sha256 s;
  sha256_init(&s);
  sha256_update(&s, (const uint8_t *)tag, sizeof tag - 1);
  sha256_final(&s, buf);
  if (!journal_started) {
    sha256_init(&journal_hash);
    journal_started = 1;
  }
  sha256_final(&journal_hash, buf + 32);
  memset(buf + 64, 0, 32);
  buf[96] = 2;
  buf[97] = 0;
  static uint8_t output[32] __attribute__((aligned(4)));
  sha256_init(&s);
  sha256_update(&s, buf, sizeof buf);
  sha256_final(&s, output);
  ecall3(SYS_HALT, code, (uint32_t)output, 0);
  for (;;) {
  }
}

/* ---- libc subset ---- */

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
    while (n >= 4) {
      *(uint32_t *)d = *(const uint32_t *)s;
      d += 4;
      s += 4;
      n -= 4;
    }
  }
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (d == s || n == 0) return dst;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    d += n;
    s += n;
    while (n--) *--d = *--s;
  }
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a;
  const uint8_t *y = b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i] || !a[i]) return (unsigned char)a[i] - (unsigned char)b[i];
  }
  return 0;
}
