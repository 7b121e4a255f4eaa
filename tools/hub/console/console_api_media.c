/* console_api_media.c — the editor's media: which files the hub lacks (and their names, kept per SHA-256), resumable uploads through the API's own route, what a stored file is (with lint's warnings), its thumbnail. */
#define _GNU_SOURCE
#include "tools/hub/console/console_api.h"

#include "tools/hub/service/hub_media.h"
#include "tools/hub/service/hub_thumb.h"

#include "content/json.h"
#include "content/lint.h"
#include "content/picture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THUMB_WIDTH 320

/* Whether a display name may be kept: 1 to SL_CAPI_NAME_MAX bytes of UTF-8
 * text without control characters or '/'. */
static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SL_CAPI_NAME_MAX || strchr(s, '/'))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true; /* UTF-8: the JSON parser checked it */
}

/* Keeps the name of a file (DATA/media-names/<sha256>, replaced whole). */
static void name_keep(sl_hub *hub, const char *sha256, const char *name)
{
    char dir[4096], path[4200], tmp[4200];
    snprintf(dir, sizeof dir, "%s/media-names", hub->data_dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        sl_log_error(&hub->log, "console: %s: %s", dir, strerror(errno));
        return;
    }
    snprintf(path, sizeof path, "%s/%s", dir, sha256);
    snprintf(tmp, sizeof tmp, "%s/.name-XXXXXX", dir);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    bool ok = f && fwrite(name, 1, strlen(name), f) == strlen(name);
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        sl_log_error(&hub->log, "console: keeping the name of media %s: %s", sha256, strerror(errno));
        unlink(tmp);
    }
}

enum MHD_Result sl_h_capi_missing(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    cJSON *in = sl_capi_json(r, &res);
    if (!in)
        return res;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(in, "media"))
    {
        const char *sha = sl_json_str(m, "sha256"), *name = sl_json_str(m, "name");
        if (sha && name && sl_media_is_sha256(sha) && name_ok(name))
            name_keep(hub, sha, name);
    }
    cJSON_Delete(in);
    return sl_h_media_missing(hub, r); /* the API's answer, from the same body */
}

int sl_h_capi_media_put_begin(sl_hub *hub, sl_req *r)
{
    if (sl_capi_auth(hub, r, true, NULL) != 0)
        return 1;
    return sl_h_media_put_begin(hub, r);
}

/* The stored file's path, or a 404/400 reply (NULL, *res). */
static char *stored_path(sl_hub *hub, sl_req *r, int64_t *size, enum MHD_Result *res)
{
    sl_svc_err e;
    if (sl_hub_media_stored(hub, r->param, size, &e) != SL_SVC_OK) {
        *res = sl_reply_svc_error(hub, r, &e, NULL);
        return NULL;
    }
    char *path = NULL;
    if (asprintf(&path, "%s/%s", hub->media_dir, r->param) < 0) {
        *res = sl_reply_error(r, 500, NULL, "the hub ran out of memory");
        return NULL;
    }
    return path;
}

/* Lint's findings about one file as an item of type: a playlist of that
 * one item, linted with media from the store. */
static cJSON *file_findings(sl_hub *hub, const char *sha256, const char *type)
{
    char name[SL_CAPI_NAME_MAX + 1];
    sl_capi_media_name(hub, sha256, name, sizeof name);
    cJSON *src = cJSON_CreateObject();
    cJSON_AddStringToObject(src, "timezone", "UTC");
    cJSON *zones = cJSON_AddArrayToObject(src, "zones");
    cJSON *z = cJSON_CreateObject();
    cJSON_AddStringToObject(z, "id", "z");
    if (strcmp(type, "audio") == 0) {
        cJSON_AddBoolToObject(z, "sound", true);
    } else {
        cJSON_AddNumberToObject(z, "x", 0);
        cJSON_AddNumberToObject(z, "y", 0);
        cJSON_AddNumberToObject(z, "w", 100);
        cJSON_AddNumberToObject(z, "h", 100);
    }
    cJSON_AddItemToArray(zones, z);
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "id", "x");
    cJSON_AddStringToObject(it, "zone", "z");
    cJSON_AddStringToObject(it, "type", type);
    cJSON_AddStringToObject(it, "file", name[0] ? name : sha256);
    cJSON_AddStringToObject(it, "sha256", sha256);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(src, "items"), it);
    sl_diags d;
    sl_diags_init(&d);
    sl_lint_opts lo = {.probe_media = true, .media_dir = hub->media_dir};
    sl_playlist_free(sl_lint_json(src, NULL, &lo, &d));
    cJSON *warnings = cJSON_CreateArray();
    for (size_t i = 0; i < d.n; i++)
        if (strncmp(d.v[i].path, "items[0]", 8) == 0)
            cJSON_AddItemToArray(warnings, cJSON_CreateString(d.v[i].message));
    sl_diags_free(&d);
    cJSON_Delete(src);
    return warnings;
}

enum MHD_Result sl_h_capi_media_info(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    int64_t size = 0;
    char err[512];
    sl_picture_info pi;
    sl_media_info mi;
    if (sl_capi_auth(hub, r, false, NULL) != 0)
        return MHD_YES;
    char *path = stored_path(hub, r, &size, &res);
    if (!path)
        return res;
    cJSON *o = cJSON_CreateObject();
    char name[SL_CAPI_NAME_MAX + 1];
    sl_capi_media_name(hub, r->param, name, sizeof name);
    cJSON_AddNumberToObject(o, "size", (double)size);
    cJSON_AddStringToObject(o, "name", name);
    bool picture = sl_picture_check(path, &pi, err, sizeof err) == 0;
    bool media = !picture && sl_media_probe(path, &mi, err, sizeof err) == 0;
    const char *type = NULL;
    if (picture) {
        type = "image";
        cJSON_AddNumberToObject(o, "width", pi.width);
        cJSON_AddNumberToObject(o, "height", pi.height);
        cJSON_AddNullToObject(o, "duration");
        cJSON_AddNullToObject(o, "codec");
    } else if (media && (mi.has_video || mi.has_audio)) {
        type = mi.has_video && !mi.is_still ? "video" : "audio";
        cJSON_AddNumberToObject(o, "width", mi.width);
        cJSON_AddNumberToObject(o, "height", mi.height);
        if (mi.duration_ms > 0)
            cJSON_AddNumberToObject(o, "duration", (double)mi.duration_ms / 1000.0);
        else
            cJSON_AddNullToObject(o, "duration");
        cJSON_AddStringToObject(o, "codec", strcmp(type, "video") == 0 ? mi.video_codec : mi.audio_codec);
    }
    free(path);
    if (!type) {
        cJSON_Delete(o);
        return sl_reply_error(r, 422, NULL, "%s is not a picture, a clip or a sound file screens can play",
                              name[0] ? name : r->param);
    }
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddItemToObject(o, "warnings", file_findings(hub, r->param, type));
    return sl_reply_json(r, 200, o);
}

enum MHD_Result sl_h_capi_media_thumb(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    int64_t size = 0;
    char err[512];
    uint8_t *png = NULL;
    size_t len = 0;
    if (sl_capi_auth(hub, r, false, NULL) != 0)
        return MHD_YES;
    char *path = stored_path(hub, r, &size, &res);
    if (!path)
        return res;
    int rc = sl_thumb_file_png(path, THUMB_WIDTH, &png, &len, err, sizeof err);
    free(path);
    if (rc != 0)
        return sl_reply_error(r, 422, NULL, "no thumbnail: %s", err);
    res = sl_reply_data(r, 200, "image/png", png, len);
    free(png);
    return res;
}
