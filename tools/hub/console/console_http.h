/* console_http.h — the console's routes: every request under /console/ goes through these handlers (routes.c), which do the HTTP side once for every page. */
#ifndef SL_HUB_CONSOLE_HTTP_H
#define SL_HUB_CONSOLE_HTTP_H

#include "tools/hub/console/console_form.h"
#include "tools/hub/http/http.h"

/* The route table's lines for the console: GET /console (to /console/), GET
 * and POST /console/ **. A POST's body is taken by begin/chunk: begin checks
 * the session before any byte is held, so that only a logged-in person can
 * send a large body (a multipart upload, up to SL_CFORM_MULTIPART_MAX); before
 * login a body may hold SL_CFORM_BODY_MAX bytes. Each line has the cleanup
 * that frees the request's state. */
#define SL_CONSOLE_ROUTES                                                                                   \
    {"GET", "/console", 0, SL_BODY_IGNORE, 4096u, NULL, NULL, sl_h_console_cleanup, sl_h_console},          \
        {"GET", "/console/**", 0, SL_BODY_IGNORE, 4096u, NULL, NULL, sl_h_console_cleanup, sl_h_console},    \
        {"POST", "/console/**", 0, SL_BODY_STREAM, SL_CFORM_MULTIPART_MAX + 1u, sl_h_console_begin,          \
         sl_h_console_chunk, sl_h_console_cleanup, sl_h_console}

int sl_h_console_begin(sl_hub *hub, sl_req *r);
void sl_h_console_chunk(sl_hub *hub, sl_req *r, const char *data, size_t len);
void sl_h_console_cleanup(sl_hub *hub, sl_req *r);
enum MHD_Result sl_h_console(sl_hub *hub, sl_req *r);

#endif
