/* console_qr.c — a QR code (libqrencode) as one compact inline SVG element, for the console's enrolment code. */
#include "tools/hub/console/console_qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#define QUIET 4 /* modules of light margin a reader needs around the code */

int sl_console_qr_svg(const char *text, const char *label, sl_report_buf *out, char *err, size_t errlen)
{
    size_t n = text ? strlen(text) : 0;
    if (!out) {
        snprintf(err, errlen, "QR code: no output buffer");
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "QR code: the text is empty; give the text to encode");
        return -1;
    }
    if (n > SL_CONSOLE_QR_MAX) {
        snprintf(err, errlen, "QR code: the text is %zu bytes; a QR code holds at most %d (shorten it)", n,
                 SL_CONSOLE_QR_MAX);
        return -1;
    }
    QRcode *qr = QRcode_encodeData((int)n, (const unsigned char *)text, 0, QR_ECLEVEL_M);
    if (!qr) {
        snprintf(err, errlen, "QR code: %s", errno == ERANGE ? "the text does not fit in a QR code (shorten it)"
                                                              : "could not encode the text (out of memory)");
        return -1;
    }
    int side = qr->width + 2 * QUIET;
    size_t was = out->len;
    sl_report_buf_printf(out,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\" "
                         "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
                         side, side);
    sl_report_buf_html(out, label);
    sl_report_buf_puts(out, "\"><title>");
    sl_report_buf_html(out, label);
    sl_report_buf_printf(out, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                         side, side);
    /* One subpath per horizontal run of dark modules (bit 0 of a module is dark). */
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
        for (int x = 0; x < qr->width;) {
            if (!(row[x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < qr->width && (row[x + run] & 1))
                run++;
            sl_report_buf_printf(out, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
            x += run;
        }
    }
    sl_report_buf_puts(out, "\"/></svg>");
    QRcode_free(qr);
    if (out->oom) {
        out->len = was;
        if (out->p)
            out->p[was] = '\0';
        snprintf(err, errlen, "QR code: out of memory");
        return -1;
    }
    return 0;
}
