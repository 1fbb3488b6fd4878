/*
 * even-number: the guest of the on-chain example (EvenNumber.set(x, seal)). Input: exactly 32 bytes, the
 * big-endian uint256 x. If x is even, the journal is those 32 bytes, i.e. abi.encode(x), so that
 * journalDigest = sha256(abi.encode(x)). Exit code 1 if x is odd, 2 if the input is not 32 bytes.
 */
#include <stdint.h>

#include "zkvm.h"

int main(void) {
  uint8_t x[32];
  size_t got = 0;
  while (got < sizeof x) {
    size_t n = zkvm_read(x + got, sizeof x - got);
    if (n == 0) break;
    got += n;
  }
  uint8_t extra;
  if (got != sizeof x || zkvm_read(&extra, 1) != 0) {
    zkvm_log("even-number: input must be exactly 32 bytes (a big-endian uint256)");
    return 2;
  }
  if (x[31] & 1) {
    zkvm_log("even-number: x is odd");
    return 1;
  }
  zkvm_commit(x, sizeof x);
  return 0;
}
