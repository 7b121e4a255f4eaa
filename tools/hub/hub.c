/* hub.c — the hub context's life cycle and shared helpers: identifiers, UTF-8 text, tokens, clock. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/hub.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/keys.h"
#include "content/timeutil.h"
#include "content/wire.h"
#include "tools/hub/console/console_session.h"
#include "tools/hub/service/hub_mainzone.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int sl_hub_open(sl_hub *hub, const char *data_dir, const char *db, char *err, size_t errlen)
{
    memset(hub, 0, sizeof *hub);
    sl_log_init(&hub->log, "screenlit-hub");
    atomic_init(&hub->in_flight, 0);
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium could not start");
        return -1;
    }
    hub->data_dir = strdup(data_dir);
    hub->media_dir = sl_fs_join(data_dir, "media");
    hub->partial_dir = sl_fs_join(data_dir, "media/.partial");
    hub->shots_dir = sl_fs_join(data_dir, "screenshots");
    if (!hub->data_dir || !hub->media_dir || !hub->partial_dir || !hub->shots_dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Private whatever the umask: the folder 0700, the files in it 0600. */
    if (sl_fs_mkdir_private(hub->data_dir, err, errlen) != 0 || sl_fs_mkdir_private(hub->media_dir, err, errlen) != 0 ||
        sl_fs_mkdir_private(hub->partial_dir, err, errlen) != 0 ||
        sl_fs_mkdir_private(hub->shots_dir, err, errlen) != 0)
        return -1;
    hub->mainzone = sl_mainzone_new();
    hub->enroll_limit = sl_ratelimit_new(SL_RATELIMIT_CAPACITY_DEFAULT, SL_RATELIMIT_BURST_DEFAULT,
                                         SL_RATELIMIT_DRAIN_MS_DEFAULT);
    hub->console = sl_console_new();
    if (!hub->mainzone || !hub->enroll_limit || !hub->console) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    hub->store = sl_store_open(data_dir, db, err, errlen);
    return hub->store ? 0 : -1;
}

void sl_hub_close(sl_hub *hub)
{
    if (!hub)
        return;
    sl_store_close(hub->store);
    hub->store = NULL;
    sl_mainzone_free(hub->mainzone);
    hub->mainzone = NULL;
    sl_ratelimit_free(hub->enroll_limit);
    hub->enroll_limit = NULL;
    sl_console_free(hub->console);
    hub->console = NULL;
    free(hub->data_dir);
    free(hub->media_dir);
    free(hub->partial_dir);
    free(hub->shots_dir);
    hub->data_dir = hub->media_dir = hub->partial_dir = hub->shots_dir = NULL;
}

int sl_hub_scope_parse(const char *in, char out[SL_HUB_SCOPE_MAX + 1], char *err, size_t errlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = in ? in : ""; *p;) {
        char id[SL_HUB_ID_MAX + 2];
        while (*p == ' ')
            p++;
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 0 && !e && !*p)
            break;
        if (n == 0 || n > SL_HUB_ID_MAX) {
            snprintf(err, errlen, "channels: an empty or over-long name in '%.80s'", in);
            return -1;
        }
        memcpy(id, p, n);
        id[n] = '\0';
        if (!sl_wire_id_ok(id)) {
            snprintf(err, errlen, "channels: '%s' is not a channel name (1 to 64 letters, digits, '.', '_' or '-')",
                     id);
            return -1;
        }
        if (sl_hub_scope_has(out, id) && out[0]) {
            snprintf(err, errlen, "channels: '%s' is named twice", id);
            return -1;
        }
        if (used + n + (used ? 1 : 0) > SL_HUB_SCOPE_MAX) {
            snprintf(err, errlen, "channels: the list is longer than %d bytes", SL_HUB_SCOPE_MAX);
            return -1;
        }
        used += (size_t)snprintf(out + used, SL_HUB_SCOPE_MAX + 1 - used, "%s%s", used ? "," : "", id);
        p = e ? e + 1 : p + strlen(p);
        if (e && !*p) {
            snprintf(err, errlen, "channels: '%.80s' ends with ','", in);
            return -1;
        }
    }
    return 0;
}

bool sl_hub_scope_has(const char *scope, const char *channel)
{
    if (!scope || !scope[0])
        return true;
    return sl_channel_list_has(scope, channel);
}

int64_t sl_hub_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sl_hub_hash(const void *data, size_t len, uint8_t out[SL_HUB_HASH_BYTES])
{
    crypto_hash_sha256(out, (const unsigned char *)data, len);
}

int sl_hub_token_new(char hex[SL_HUB_TOKEN_HEX + 1], uint8_t hash[SL_HUB_HASH_BYTES])
{
    uint8_t raw[SL_HUB_TOKEN_HEX / 2];
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, SL_HUB_TOKEN_HEX + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    sl_hub_hash(hex, SL_HUB_TOKEN_HEX, hash);
    return 0;
}

cJSON *sl_json_instant(int64_t ms)
{
    if (ms < 0)
        return cJSON_CreateNull();
    char buf[40];
    sl_instant_format(ms, 0, buf, sizeof buf);
    return cJSON_CreateString(buf);
}
