/* hubfake.h — runs the hub's real request handlers in-process, without sockets, for the fuzz targets. */
#ifndef SL_HUBFAKE_H
#define SL_HUBFAKE_H

#include "tools/hub/http/http.h"

#include <stddef.h>

/* The screens the fake hub's inventory holds (enrolled: no; channel "lobby"). */
#define SL_FUZZ_SCREEN "s1"
#define SL_FUZZ_CHANNEL "lobby"

typedef enum MHD_Result (*sl_fuzz_handler)(sl_hub *hub, sl_req *r);

/* Calls handler (one of the route table's) on a request as the server would
 * build it once authorised: role and subject of the token, the '*' segment
 * of the path (may be NULL), the Content-Type (may be NULL) and the body.
 * A body over the route's cap is refused like the server does (413).
 * Returns the HTTP status of the reply. The hub lives in the process's
 * scratch folder, made on the first call; it is made anew from time to
 * time so that the store stays small during a long campaign. Aborts when
 * the handler queues no reply or two. */
unsigned sl_fuzz_hub_call(sl_fuzz_handler handler, sl_hub_role role, const char *subject, const char *param,
                          const char *content_type, const void *body, size_t len);

#endif
