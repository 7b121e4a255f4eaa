/* hub_csv.c — RFC 4180 CSV reading and writing for the inventory import and export. */
#include "tools/hub/service/hub_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sl_csv_parse(const char *data, size_t len, size_t max_fields, sl_csv_row_cb cb, void *ud, char *err,
                 size_t errlen, size_t *err_line)
{
    int rc = -1;
    char *scratch = malloc(len + 1);
    char **fields = calloc(max_fields ? max_fields : 1, sizeof *fields);
    size_t i = 0, line = 1;
    *err_line = 0;
    if (!scratch || !fields) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        size_t start_line = line, n = 0, w = 0;
        if (data[i] == '\n' || data[i] == '\r') { /* a blank line */
            if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
                i++;
            i++;
            line++;
            continue;
        }
        for (;;) { /* one field per pass */
            if (n >= max_fields) {
                snprintf(err, errlen, "more than %zu fields", max_fields);
                *err_line = start_line;
                goto out;
            }
            fields[n++] = scratch + w;
            if (i < len && data[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len) {
                        snprintf(err, errlen, "a quoted field is not closed");
                        *err_line = start_line;
                        goto out;
                    }
                    if (data[i] == '"') {
                        if (i + 1 < len && data[i + 1] == '"') {
                            scratch[w++] = '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (data[i] == '\n')
                        line++;
                    if (data[i] == '\0') {
                        snprintf(err, errlen, "a NUL byte in a field");
                        *err_line = line;
                        goto out;
                    }
                    scratch[w++] = data[i++];
                }
                if (i < len && data[i] != ',' && data[i] != '\r' && data[i] != '\n') {
                    snprintf(err, errlen, "text after a closing quote (write \"\" for a quote inside a field)");
                    *err_line = line;
                    goto out;
                }
            } else {
                while (i < len && data[i] != ',' && data[i] != '\r' && data[i] != '\n') {
                    if (data[i] == '\0') {
                        snprintf(err, errlen, "a NUL byte in a field");
                        *err_line = line;
                        goto out;
                    }
                    if (data[i] == '"') {
                        snprintf(err, errlen, "a quote inside an unquoted field (quote the field, write \"\")");
                        *err_line = line;
                        goto out;
                    }
                    scratch[w++] = data[i++];
                }
            }
            scratch[w++] = '\0';
            if (i < len && data[i] == ',') {
                i++;
                continue;
            }
            break;
        }
        if (i < len && data[i] == '\r')
            i++;
        if (i < len && data[i] == '\n')
            i++;
        line++;
        int r = cb(ud, start_line, fields, n);
        if (r != 0) {
            rc = r;
            goto out;
        }
    }
    rc = 0;
out:
    free(scratch);
    free(fields);
    return rc;
}

int sl_csv_put(sl_body *out, const char *f, bool last)
{
    size_t n = strlen(f);
    bool quote = n && (f[0] == ' ' || f[n - 1] == ' ');
    for (size_t k = 0; k < n && !quote; k++)
        quote = f[k] == ',' || f[k] == '"' || f[k] == '\r' || f[k] == '\n';
    if (quote && sl_body_append(out, "\"", 1) != 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        if (f[k] == '"' && sl_body_append(out, "\"", 1) != 0)
            return -1;
        if (sl_body_append(out, &f[k], 1) != 0)
            return -1;
    }
    if (quote && sl_body_append(out, "\"", 1) != 0)
        return -1;
    return sl_body_append(out, last ? "\r\n" : ",", last ? 2 : 1);
}
