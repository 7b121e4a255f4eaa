/* sl_report_buf.h — a growing byte buffer for report output, with HTML, CSV, URL and base64 encoders. */
#ifndef SL_REPORT_BUF_H
#define SL_REPORT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zero-initialise. After an allocation failure every later call does
 * nothing and oom stays true, so a writer checks once at the end. p is
 * NUL-terminated whenever it is not NULL (the NUL is not counted). */
typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} sl_report_buf;

/* Frees the bytes and clears the buffer; NULL is fine. */
void sl_report_buf_free(sl_report_buf *b);
/* Hands the bytes over (the caller frees them) and clears the buffer. */
char *sl_report_buf_take(sl_report_buf *b, size_t *len);

void sl_report_buf_add(sl_report_buf *b, const void *data, size_t n);
void sl_report_buf_puts(sl_report_buf *b, const char *s);
void sl_report_buf_printf(sl_report_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text for HTML (element content and quoted attribute values alike):
 * & < > " ' become entities; C0 control characters other than tab, line
 * feed and carriage return, DEL, and bytes that are not UTF-8 become U+FFFD. */
void sl_report_buf_html(sl_report_buf *b, const char *s);

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line
 * break or leading/trailing spaces, quotes doubled. With text=true a value
 * that a spreadsheet would take for a formula (it starts with = + - @, tab
 * or carriage return) is written with a leading apostrophe, so that opening
 * the file never runs it. */
void sl_report_buf_csv(sl_report_buf *b, const char *s, bool text);

/* One URL query value or path segment (RFC 3986): every byte but the
 * unreserved A-Z a-z 0-9 - . _ ~ as %XX (so "a b&c" is "a%20b%26c"). The
 * result holds no character HTML needs escaped. */
void sl_report_buf_url(sl_report_buf *b, const char *s);

/* Standard base64 (RFC 4648, with padding), for data: URIs. */
void sl_report_buf_base64(sl_report_buf *b, const void *data, size_t n);

#endif
