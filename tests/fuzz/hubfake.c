/* hubfake.c — the hub's request handlers without sockets: a hub on a scratch store, a request struct, and a libmicrohttpd stand-in for queuing replies. */
#define _GNU_SOURCE
#include "tests/fuzz/hubfake.h"

#include "content/fsutil.h"
#include "tests/fuzz/fuzzutil.h"
#include "tools/hub/http/routes.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* After this many calls the hub is made anew (an empty store). */
#define HUB_RENEW_CALLS 20000

/* What a fake connection carries: the request's Content-Type in, the
 * replies' status out. The handlers see it only as r->conn. */
typedef struct {
    const char *content_type;
    unsigned status;
    int replies;
} fake_conn;

/* The one hub of the process (made on the first call, renewed from time to time). */
static sl_hub hub;
static int hub_open;
static unsigned long hub_calls;
static int hub_generation;

/* libmicrohttpd stand-ins: the handlers are linked against these instead of
 * the library's (a definition in the program wins over the shared library's),
 * so replies are counted instead of sent. Responses themselves are the
 * library's real ones. */
enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
    fake_conn *c = (fake_conn *)(void *)connection;
    if (!c || !response)
        return MHD_NO;
    c->status = status_code;
    c->replies++;
    if (getenv("SL_FUZZ_VERBOSE"))
        fprintf(stderr, "hub reply: %u\n", status_code);
    return MHD_YES;
}

/* With SL_FUZZ_VERBOSE set, reply bodies are printed (to see why a seed is refused). */
struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer, enum MHD_ResponseMemoryMode mode)
{
    typedef struct MHD_Response *(*create_fn)(size_t, void *, enum MHD_ResponseMemoryMode);
    create_fn real = (create_fn)dlsym(RTLD_NEXT, "MHD_create_response_from_buffer");
    if (!real)
        abort();
    if (getenv("SL_FUZZ_VERBOSE") && buffer)
        fprintf(stderr, "hub reply body: %.*s\n", (int)(size < 400 ? size : 400), (const char *)buffer);
    return real(size, buffer, mode);
}

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                        const char *key)
{
    fake_conn *c = (fake_conn *)(void *)connection;
    if (c && kind == MHD_HEADER_KIND && key && strcasecmp(key, "Content-Type") == 0)
        return c->content_type;
    return NULL;
}

static const sl_route *route_of(sl_fuzz_handler handler)
{
    for (size_t i = 0; i < sl_hub_n_routes; i++) {
        if (sl_hub_routes[i].handle == handler)
            return &sl_hub_routes[i];
    }
    fprintf(stderr, "fuzz: the handler is not in the route table\n");
    abort();
}

static unsigned call(sl_fuzz_handler handler, sl_hub_role role, const char *subject, const char *param,
                     const char *content_type, const void *body, size_t len)
{
    const sl_route *route = route_of(handler);
    fake_conn conn = {.content_type = content_type, .status = 0, .replies = 0};
    sl_req r;
    memset(&r, 0, sizeof r);
    r.conn = (struct MHD_Connection *)(void *)&conn;
    r.route = route;
    r.method = route->method;
    r.url = route->pattern;
    r.who.role = role;
    r.who.version = -1;
    snprintf(r.who.subject, sizeof r.who.subject, "%s", subject ? subject : "");
    if (role == SL_ROLE_SCREEN) {
        r.who.in_inventory = true;
        snprintf(r.who.channel, sizeof r.who.channel, "%s", SL_FUZZ_CHANNEL);
    }
    snprintf(r.param, sizeof r.param, "%s", param ? param : "");
    r.start_ms = sl_hub_now_ms();
    if (len > route->body_max)
        return 413;
    sl_body_init(&r.body, route->body_max);
    if (len > 0 && sl_body_append(&r.body, body, len) != 0) {
        sl_body_free(&r.body);
        return 500;
    }
    handler(&hub, &r);
    sl_body_free(&r.body);
    cJSON_Delete(r.fail_extra);
    if (conn.replies != 1) {
        fprintf(stderr, "fuzz: the handler for %s %s queued %d replies (one expected)\n", route->method,
                route->pattern, conn.replies);
        abort();
    }
    return conn.status;
}

static void hub_make(void)
{
    char err[512];
    char name[32];
    snprintf(name, sizeof name, "hub%d", hub_generation++);
    char *dir = sl_fs_join(sl_fuzz_scratch(), name);
    if (!dir || sl_hub_open(&hub, dir, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: cannot open a hub in %s: %s\n", dir ? dir : "?", err);
        abort();
    }
    free(dir);
    hub.log.level = SL_LOG_ERROR;
    /* The test publisher key, and an inventory with one screen on a channel. */
    sl_seckey sk;
    sl_pubkey pk;
    char b64[SL_PUBKEY_B64_MAX];
    sl_fuzz_test_key(&sk, &pk);
    sl_pubkey_to_b64(&pk, b64, sizeof b64);
    if (hub.store->ops->key_add(hub.store, "test", b64, NULL, sl_hub_now_ms(), err, sizeof err) != SL_ST_OK) {
        fprintf(stderr, "fuzz: cannot add the test key: %s\n", err);
        abort();
    }
    /* The media the seed manifests name (fuzz_usb.c's media file), in the catalogue and on disk. */
    static const char media_sha[] = "571415467ab61f0138712261f6b6a81da680b9001a9b06260390c196ef50bfa8";
    char *media = sl_fs_join(hub.media_dir, media_sha);
    if (!media)
        abort();
    sl_fuzz_write(media, "screenlit fuzz media\n", 21);
    free(media);
    if (hub.store->ops->media_add(hub.store, media_sha, 21, sl_hub_now_ms(), err, sizeof err) != SL_ST_OK) {
        fprintf(stderr, "fuzz: cannot add the test media: %s\n", err);
        abort();
    }
    static const char inv[] = "id,name,channel,hours,timezone\r\n"
                              SL_FUZZ_SCREEN ",Lobby screen," SL_FUZZ_CHANNEL ",mon-sun 00:00-24:00,UTC\r\n"
                              "s2,Bank screen,bank,mon-fri 08:30-17:30,Europe/Paris\r\n";
    unsigned st = call(sl_h_inventory_put, SL_ROLE_ADMIN, "admin", NULL, "text/csv", inv, sizeof inv - 1);
    if (st != 200) {
        fprintf(stderr, "fuzz: the fake hub's inventory was refused (%u)\n", st);
        abort();
    }
    hub_open = 1;
}

unsigned sl_fuzz_hub_call(sl_fuzz_handler handler, sl_hub_role role, const char *subject, const char *param,
                          const char *content_type, const void *body, size_t len)
{
    if (hub_open && ++hub_calls % HUB_RENEW_CALLS == 0) {
        char *dir = hub.data_dir ? strdup(hub.data_dir) : NULL;
        sl_hub_close(&hub);
        sl_fuzz_remove_tree(dir);
        free(dir);
        hub_open = 0;
    }
    if (!hub_open)
        hub_make();
    return call(handler, role, subject, param, content_type, body, len);
}
