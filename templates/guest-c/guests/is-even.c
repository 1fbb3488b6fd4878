/*
 * The guest: reads a number and commits it only if it is even. A receipt of this program therefore proves
 * "x is even" for the x in its journal, and contracts/EvenNumber.sol accepts x only with one.
 *
 * Input: x as 32 big-endian bytes (what abi.encode(uint256 x) gives). Journal: the same 32 bytes, so that
 * the contract checks the journal digest sha256(abi.encode(x)).
 */
#include <stdint.h>

#include "zkvm.h"

int main(void) {
  uint8_t x[32];
  size_t got = 0;
  while (got < sizeof x) {
    size_t n = zkvm_read(x + got, sizeof x - got);
    if (n == 0) {
      zkvm_log("is-even: the input must be 32 bytes (abi.encode(uint256))");
      return 2;
    }
    got += n;
  }
  if (x[31] & 1) {
    zkvm_log("is-even: the number is odd");
    return 1;
  }
  zkvm_commit(x, sizeof x);
  return 0;
}
