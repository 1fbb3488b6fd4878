/*
 * The guest SDK API for a native host build (differential tests): input from stdin, journal to stdout,
 * log to stderr, exit code as the process exit status. The same guest source then runs natively.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../zkvm.h"

size_t zkvm_read(void *buf, size_t len) { return fread(buf, 1, len, stdin); }

void zkvm_commit(const void *buf, size_t len) { fwrite(buf, 1, len, stdout); }

void zkvm_log(const char *msg) { fprintf(stderr, "%s\n", msg); }

_Noreturn void zkvm_exit(unsigned code) {
  fflush(stdout);
  exit((int)code);
}
