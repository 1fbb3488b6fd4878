/*
 * Differential-test program: a small JSON parser (objects, arrays, strings with escapes, numbers, true,
 * false, null). Reads a JSON document, then commits a canonical re-serialisation (no whitespace) and the
 * sum of all integers in it. Exit code 1 for malformed JSON.
 */
#include <stdint.h>
#include <string.h>

#include "zkvm.h"

static char doc[16384];
static size_t len, pos;
static char outbuf[32768];
static size_t outlen;
static int64_t sum;

static void emit(char c) {
  if (outlen < sizeof outbuf) outbuf[outlen++] = c;
}
static void ws(void) {
  while (pos < len && (doc[pos] == ' ' || doc[pos] == '\n' || doc[pos] == '\t' || doc[pos] == '\r')) pos++;
}
static int value(int depth);

static int strchr_like(char e) {
  const char *ok = "\"\\/bfnrtu";
  for (; *ok; ok++)
    if (*ok == e) return 1;
  return 0;
}

static int string(void) {
  if (doc[pos] != '"') return 0;
  emit(doc[pos++]);
  while (pos < len && doc[pos] != '"') {
    char c = doc[pos++];
    if ((unsigned char)c < 0x20) return 0;
    emit(c);
    if (c == '\\') {
      if (pos >= len) return 0;
      char e = doc[pos++];
      if (!strchr_like(e)) return 0;
      emit(e);
    }
  }
  if (pos >= len) return 0;
  emit(doc[pos++]);
  return 1;
}

static int number(void) {
  int neg = 0;
  int64_t v = 0;
  int digits = 0;
  if (doc[pos] == '-') {
    neg = 1;
    emit(doc[pos++]);
  }
  while (pos < len && doc[pos] >= '0' && doc[pos] <= '9') {
    v = v * 10 + (doc[pos] - '0');
    emit(doc[pos++]);
    digits++;
  }
  if (!digits) return 0;
  int integral = 1;
  if (pos < len && doc[pos] == '.') {
    integral = 0;
    emit(doc[pos++]);
    while (pos < len && doc[pos] >= '0' && doc[pos] <= '9') emit(doc[pos++]);
  }
  if (pos < len && (doc[pos] == 'e' || doc[pos] == 'E')) {
    integral = 0;
    emit(doc[pos++]);
    if (pos < len && (doc[pos] == '+' || doc[pos] == '-')) emit(doc[pos++]);
    while (pos < len && doc[pos] >= '0' && doc[pos] <= '9') emit(doc[pos++]);
  }
  if (integral) sum += neg ? -v : v;
  return 1;
}

static int literal(const char *word) {
  size_t n = strlen(word);
  if (len - pos < n || memcmp(doc + pos, word, n) != 0) return 0;
  for (size_t i = 0; i < n; i++) emit(word[i]);
  pos += n;
  return 1;
}

static int value(int depth) {
  if (depth > 64) return 0;
  ws();
  if (pos >= len) return 0;
  char c = doc[pos];
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    emit(c);
    pos++;
    ws();
    if (pos < len && doc[pos] == close) {
      emit(doc[pos++]);
      return 1;
    }
    for (;;) {
      if (c == '{') {
        ws();
        if (!string()) return 0;
        ws();
        if (pos >= len || doc[pos] != ':') return 0;
        emit(doc[pos++]);
      }
      if (!value(depth + 1)) return 0;
      ws();
      if (pos >= len) return 0;
      if (doc[pos] == ',') {
        emit(doc[pos++]);
        continue;
      }
      if (doc[pos] != close) return 0;
      emit(doc[pos++]);
      return 1;
    }
  }
  if (c == '"') return string();
  if (c == 't') return literal("true");
  if (c == 'f') return literal("false");
  if (c == 'n') return literal("null");
  return number();
}

int main(void) {
  size_t n;
  while (len < sizeof doc && (n = zkvm_read(doc + len, sizeof doc - len)) > 0) len += n;
  if (!value(0)) {
    zkvm_log("json: malformed");
    return 1;
  }
  ws();
  if (pos != len) {
    zkvm_log("json: trailing characters");
    return 1;
  }
  zkvm_commit(outbuf, outlen);
  uint8_t s[8];
  for (int i = 0; i < 8; i++) s[i] = (uint8_t)((uint64_t)sum >> (8 * i));
  zkvm_commit(s, 8);
  return 0;
}
