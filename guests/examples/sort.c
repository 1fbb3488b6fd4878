/*
 * sort: reads up to 16384 unsigned 32-bit little-endian integers, sorts them (introsort-style quicksort
 * with an insertion-sort cutoff and median-of-three pivots), and commits them in ascending order,
 * followed by a u32 checksum (sum of i * value). Exit code 1 if the input length is not a multiple of 4
 * or exceeds the capacity.
 */
#include <stdint.h>

#include "zkvm.h"

#define CAPACITY 16384

static uint32_t values[CAPACITY];

static void insertion_sort(uint32_t *a, int n) {
  for (int i = 1; i < n; i++) {
    uint32_t v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(uint32_t *a, uint32_t *b) {
  uint32_t t = *a;
  *a = *b;
  *b = t;
}

static void quicksort(uint32_t *a, int n) {
  while (n > 16) {
    int mid = n / 2;
    if (a[mid] < a[0]) swap(&a[mid], &a[0]);
    if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid]) swap(&a[n - 1], &a[mid]);
    uint32_t pivot = a[mid];
    int i = 0, j = n - 1;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(&a[i], &a[j]);
        i++;
        j--;
      }
    }
    /* Recurse into the smaller half, loop on the larger: O(log n) stack. */
    if (j + 1 < n - i) {
      quicksort(a, j + 1);
      a += i;
      n -= i;
    } else {
      quicksort(a + i, n - i);
      n = j + 1;
    }
  }
  insertion_sort(a, n);
}

int main(void) {
  uint8_t buf[256];
  int count = 0;
  size_t pending = 0;
  uint8_t part[4];
  for (;;) {
    size_t n = zkvm_read(buf, sizeof buf);
    if (n == 0) break;
    for (size_t k = 0; k < n; k++) {
      part[pending++] = buf[k];
      if (pending == 4) {
        if (count == CAPACITY) {
          zkvm_log("sort: more than 16384 values");
          return 1;
        }
        values[count++] = (uint32_t)part[0] | ((uint32_t)part[1] << 8) | ((uint32_t)part[2] << 16) |
                          ((uint32_t)part[3] << 24);
        pending = 0;
      }
    }
  }
  if (pending != 0) {
    zkvm_log("sort: input length is not a multiple of 4");
    return 1;
  }
  quicksort(values, count);
  uint32_t checksum = 0;
  for (int i = 0; i < count; i++) {
    uint8_t le[4] = {(uint8_t)values[i], (uint8_t)(values[i] >> 8), (uint8_t)(values[i] >> 16),
                     (uint8_t)(values[i] >> 24)};
    zkvm_commit(le, 4);
    checksum += (uint32_t)i * values[i];
  }
  uint8_t cs[4] = {(uint8_t)checksum, (uint8_t)(checksum >> 8), (uint8_t)(checksum >> 16),
                   (uint8_t)(checksum >> 24)};
  zkvm_commit(cs, 4);
  return 0;
}
