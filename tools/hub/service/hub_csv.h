/* hub_csv.h — RFC 4180 CSV reading (UTF-8, optional BOM, LF or CRLF) and writing, for the inventory. */
#ifndef SL_HUB_CSV_H
#define SL_HUB_CSV_H

#include "tools/hub/http/body.h"

#include <stdbool.h>
#include <stddef.h>

/* Called for each record with its fields (NUL-terminated; a field may not
 * contain NUL: such input is refused) and the line it starts on (1-based).
 * Blank lines are skipped. Return 0 to go on, non-zero to stop (the parse
 * then returns that value). */
typedef int (*sl_csv_row_cb)(void *ud, size_t line, char **fields, size_t n);

/* Parses len bytes; a leading UTF-8 BOM is skipped. Records with more than
 * max_fields fields are refused. Returns 0, the callback's non-zero value,
 * or -1 with err and *err_line on malformed input or out of memory. */
int sl_csv_parse(const char *data, size_t len, size_t max_fields, sl_csv_row_cb cb, void *ud, char *err,
                 size_t errlen, size_t *err_line);

/* Appends one field, quoted when it holds ',', '"', CR, LF or edge spaces,
 * then ',' or (last) CRLF. Returns 0 or -1 (the buffer's cap or memory). */
int sl_csv_put(sl_body *out, const char *field, bool last);

#endif
