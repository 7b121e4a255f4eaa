/* console_form.h — what the console reads from a request, as pure functions: percent-decoding, query strings and urlencoded forms, multipart/form-data, cookies, Accept-Language, a login's next target; and query strings written back. */
#ifndef SL_HUB_CONSOLE_FORM_H
#define SL_HUB_CONSOLE_FORM_H

#include "tools/report/sl_report_buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Everything here reads text a browser (or anybody) sent, so everything is
 * capped and checked: a field name is 1 to SL_CFORM_NAME_MAX bytes of UTF-8
 * text without control characters; a value at most SL_CFORM_VALUE_MAX bytes
 * of UTF-8 text (tab, CR and LF allowed, never NUL); at most
 * SL_CFORM_FIELDS_MAX fields. A field named twice keeps its first value.
 * Results are cJSON objects of strings (the sl_cpage query and form).
 */

#define SL_CFORM_FIELDS_MAX 256
#define SL_CFORM_NAME_MAX 128
#define SL_CFORM_VALUE_MAX (64u * 1024u)
#define SL_CFORM_BODY_MAX (256u * 1024u)  /* a urlencoded body */
#define SL_CFORM_UPLOAD_MAX (16u << 20)    /* the file of a multipart body (the inventory CSV) */
#define SL_CFORM_MULTIPART_MAX (SL_CFORM_UPLOAD_MAX + SL_CFORM_BODY_MAX) /* a whole multipart body */
#define SL_CFORM_PART_HEADERS_MAX 4096     /* the header lines of one part */
#define SL_CFORM_BOUNDARY_MAX 70           /* RFC 2046 */
#define SL_CFORM_NEXT_MAX 512              /* a login's next target */

/* Percent-decodes n bytes of in into out (room for n + 1 bytes; NUL-terminated);
 * with plus, '+' is a space (forms and query strings). Returns the decoded
 * length, or -1 for a broken escape ("%zz", a '%' at the end). */
long sl_cform_pct_decode(const char *in, size_t n, bool plus, char *out);

/* Adds name = value (nlen and vlen bytes, not decoded) to obj unless obj has
 * the name already, after the checks above. 0, or -1 with a message in err
 * that names the field. */
int sl_cform_add(cJSON *obj, const char *name, size_t nlen, const char *value, size_t vlen, char *err,
                 size_t errlen);

/* Reads application/x-www-form-urlencoded text (a POST body or a URL's
 * query, without the '?') of len bytes into obj. 0, or -1 with err. */
int sl_cform_urlencoded(const char *text, size_t len, cJSON *obj, char *err, size_t errlen);

/* The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted
 * or not, 1 to SL_CFORM_BOUNDARY_MAX bytes) into out (at least
 * SL_CFORM_BOUNDARY_MAX + 1 bytes). 0, or -1 when it is not such a type. */
int sl_cform_boundary(const char *content_type, char *out);

/* The file of a multipart body. */
typedef struct {
    const char *data; /* into the body; NULL when no file came */
    size_t len;
    char field[SL_CFORM_NAME_MAX + 1]; /* its form field's name */
    char filename[256];                /* as the browser named it (cut when longer; may be "") */
} sl_cform_file;

/* Reads a multipart/form-data body (RFC 7578) of len bytes: its text parts
 * into obj, its one file part (a part with a filename; an empty one with an
 * empty name is no file) into *file, which points into body. At most
 * SL_CFORM_UPLOAD_MAX bytes of file and one file. 0, or -1 with err. */
int sl_cform_multipart(const char *body, size_t len, const char *boundary, cJSON *obj, sl_cform_file *file,
                       char *err, size_t errlen);

/* The value of cookie `name` in a Cookie header (NULL is fine) into out.
 * Returns 0, or -1 when the header has no such cookie or its value does not
 * fit in outlen bytes. */
int sl_cform_cookie(const char *header, const char *name, char *out, size_t outlen);

/* "en" or "zh" from an Accept-Language header: the one of the two the
 * header prefers (by q, then by order); "zh" when it names neither or is
 * NULL. */
const char *sl_cform_accept_language(const char *header);

/* Whether next is a place a login may send the browser: a path under
 * /console/ (with an optional query) of printable ASCII, at most
 * SL_CFORM_NEXT_MAX - 1 bytes, without "//", '\', quotes, angle brackets,
 * or "." and ".." segments. */
bool sl_cform_next_ok(const char *next);

/* Appends s percent-encoded for a URL's query (every byte but A-Z a-z 0-9
 * - . _ ~ becomes %XX): sl_report_buf_url, the report writer's encoder. */
void sl_cform_pct_encode(sl_report_buf *b, const char *s);

/* Appends the members of query (an object of strings) as name=value pairs
 * joined by '&', percent-encoded, leaving out the member named skip (may be
 * NULL). Returns how many it wrote. */
int sl_cform_query_write(sl_report_buf *b, const cJSON *query, const char *skip);

/* Appends the value of a Content-Disposition header for a download named
 * filename: attachment; filename="…" with every byte but A-Z a-z 0-9 . - _
 * as '_' (for old clients), and filename*=UTF-8''… with the real name
 * percent-encoded (RFC 6266), so that no name can break the header. */
void sl_cform_attachment(sl_report_buf *b, const char *filename);

#endif
