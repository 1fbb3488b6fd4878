/*
 * zkvm-kit guest SDK. This API is stable across versions: a guest written against it keeps building.
 * The ecall ABI underneath is documented in docs/abi.md.
 */
#ifndef ZKVM_H
#define ZKVM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Reads up to len bytes (at most 4096 per call) of the host's input into buf; returns the count: fewer
   than len does not mean the end of input, only 0 does, so a caller that needs len bytes loops. */
size_t zkvm_read(void *buf, size_t len);

/* Appends len bytes to the journal (the public output bound by the receipt's claim). */
void zkvm_commit(const void *buf, size_t len);

/* Writes msg and a newline to the host's stderr. Not part of the claim. */
void zkvm_log(const char *msg);

/* Halts with this exit code. Returning from main(void) does the same with main's return value. */
_Noreturn void zkvm_exit(unsigned code);

#ifdef __cplusplus
}
#endif

#endif /* ZKVM_H */
