/* server.h — the hub's HTTP server: start on an address, stop gracefully. */
#ifndef SL_HUB_SERVER_H
#define SL_HUB_SERVER_H

#include "tools/hub/hub.h"
#include "tools/hub/http/servertls.h"

#include <stddef.h>

typedef struct sl_server sl_server;

/* Starts serving hub on `listen` ("HOST:PORT", "[V6]:PORT"; port 0 picks a
 * free one) with `threads` worker threads. Returns NULL with err. */
sl_server *sl_server_start(sl_hub *hub, const char *listen, unsigned threads, char *err, size_t errlen);

/* The same, serving HTTPS with tls (checked by sl_servertls_load; it must
 * outlive the server) when tls is not NULL. */
sl_server *sl_server_start_tls(sl_hub *hub, const char *listen, unsigned threads, const sl_servertls *tls, char *err,
                               size_t errlen);

/* The port actually bound. */
unsigned sl_server_port(const sl_server *s);

/* Serves HTTPS with tls (checked by sl_servertls_load; it must outlive the
 * server) from now on: a new daemon takes the listening socket, the old one
 * finishes its requests in flight (up to grace_ms) and stops. old_tls is the
 * certificate served until now, started again should libmicrohttpd refuse
 * the new one. Returns 0 (old_tls may be freed), -1 with err when the old
 * certificate is still served (tls may be freed), -2 when nothing serves any
 * more (the hub must stop). */
int sl_server_reload_tls(sl_server *s, const sl_servertls *tls, const sl_servertls *old_tls, int grace_ms, char *err,
                         size_t errlen);

/* Stops accepting connections, waits up to grace_ms for requests in flight
 * to finish, then stops every thread and frees the server; NULL is fine. */
void sl_server_stop(sl_server *s, int grace_ms);

/* Parses a listen address into host and port. Returns 0 or -1. */
int sl_server_parse_listen(const char *listen, char *host, size_t hostlen, unsigned *port);

#endif
