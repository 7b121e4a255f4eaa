/* qrsvg.c — test helper: writes the console's QR code SVG for a text (tests/e2e/test_console_qr.sh reads it back with a real decoder). */
#include "tools/hub/console/console_qr.h"

#include <stdio.h>

/* Usage: qrsvg TEXT [LABEL] — the SVG on stdout; an error on stderr and exit 1. */
int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: qrsvg TEXT [LABEL]\n");
        return 2;
    }
    sl_report_buf b = {0};
    char err[256];
    int rc = 1;
    if (sl_console_qr_svg(argv[1], argc == 3 ? argv[2] : "QR", &b, err, sizeof err) != 0) {
        fprintf(stderr, "qrsvg: %s\n", err);
        goto out;
    }
    if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
        fprintf(stderr, "qrsvg: cannot write the SVG\n");
        goto out;
    }
    rc = 0;
out:
    sl_report_buf_free(&b);
    return rc;
}
