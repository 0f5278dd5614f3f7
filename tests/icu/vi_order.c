/* The reference for the Vietnamese sort order: reads UTF-8 lines on stdin,
 * sorts them with ICU4C's own collator for "vi" with numeric ordering
 * ("vi-u-kn", the order the register promises), and writes them back, one per
 * line. Built and run by tests/tests/collation.rs against the system's ICU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>

static UCollator *coll;

static int by_icu(const void *a, const void *b) {
  UErrorCode status = U_ZERO_ERROR;
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  return (int)ucol_strcollUTF8(coll, x, -1, y, -1, &status);
}

int main(void) {
  UErrorCode status = U_ZERO_ERROR;
  coll = ucol_open("vi", &status);
  ucol_setAttribute(coll, UCOL_NUMERIC_COLLATION, UCOL_ON, &status);
  if (U_FAILURE(status)) {
    fprintf(stderr, "ICU: %s\n", u_errorName(status));
    return 1;
  }
  char **lines = NULL;
  size_t n = 0, cap = 0;
  char buf[4096];
  while (fgets(buf, sizeof buf, stdin)) {
    buf[strcspn(buf, "\r\n")] = '\0';
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      lines = realloc(lines, cap * sizeof *lines);
      if (!lines) return 1;
    }
    lines[n++] = strdup(buf);
  }
  qsort(lines, n, sizeof *lines, by_icu);
  for (size_t i = 0; i < n; i++) puts(lines[i]);
  ucol_close(coll);
  return 0;
}
