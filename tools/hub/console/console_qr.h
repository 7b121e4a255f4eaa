/* console_qr.h — a QR code (libqrencode) as one compact inline SVG element, for the console's enrolment code. */
#ifndef SL_CONSOLE_QR_H
#define SL_CONSOLE_QR_H

#include "tools/report/sl_report_buf.h"

#include <stddef.h>

/* The most bytes one QR code holds in 8-bit mode at error correction M
 * (version 40). */
#define SL_CONSOLE_QR_MAX 2331

/*
 * Appends to out a QR code of text (its UTF-8 bytes, 8-bit mode, error
 * correction M, the smallest version that holds them) as one <svg> element:
 * a viewBox in modules with the 4-module quiet zone on every side, a white
 * background, one <path> of the dark modules, shape-rendering crispEdges,
 * class "qr", role "img", and label (the caller's words, e.g. "扫码注册 /
 * scan to enrol") as its aria-label and <title>, escaped with
 * sl_report_buf_html. It has no width or height: it fills its container's
 * width unless the page's stylesheet sizes svg.qr.
 * Returns 0, or -1 with a message in err when text is empty or longer than
 * SL_CONSOLE_QR_MAX bytes, or memory runs out (out's oom is then set and
 * nothing of the element is left in it).
 */
int sl_console_qr_svg(const char *text, const char *label, sl_report_buf *out, char *err, size_t errlen);

#endif
