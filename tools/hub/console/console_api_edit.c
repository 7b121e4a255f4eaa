/* console_api_edit.c — the editor's source at the hub: lint (the CLI's, media from the store by SHA-256), the preview `screenlit preview --json` prints, and compiling the payload the browser signs. */
#define _GNU_SOURCE
#include "tools/hub/console/console_api.h"

#include "content/json.h"
#include "content/lint.h"
#include "content/manifest.h"
#include "content/opts.h"
#include "content/preview.h"
#include "player/ticker.h"
#include "tools/hub/console/console_session.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The diagnostics as {"errors": [{"path", "message"}], "warnings": [...]}. */
static cJSON *diags_json(const sl_diags *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *errors = cJSON_AddArrayToObject(o, "errors");
    cJSON *warnings = cJSON_AddArrayToObject(o, "warnings");
    for (size_t i = 0; errors && warnings && i < d->n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "path", d->v[i].path ? d->v[i].path : "");
        cJSON_AddStringToObject(x, "message", d->v[i].message ? d->v[i].message : "");
        cJSON_AddItemToArray(d->v[i].severity == SL_DIAG_ERROR ? errors : warnings, x);
    }
    if (d->dropped)
        cJSON_AddNumberToObject(o, "dropped", (double)d->dropped);
    return o;
}

/* The request's "source" and its lint with media from the store (errors
 * and warnings into d). NULL when the request is wrong (a reply was
 * queued, *res); else the source, and *pl the model when it has no errors. */
static const cJSON *source_lint(sl_hub *hub, sl_req *r, const cJSON *in, bool now, sl_playlist **pl, sl_diags *d,
                                enum MHD_Result *res)
{
    *pl = NULL;
    if (!sl_wire_id_ok(r->param)) {
        *res = sl_reply_error(r, 400, NULL, "a channel is 1 to 64 letters, digits, '.', '_' or '-'");
        return NULL;
    }
    const cJSON *source = cJSON_GetObjectItemCaseSensitive(in, "source");
    if (!cJSON_IsObject(source)) {
        *res = sl_reply_error(r, 400, NULL, "the body needs \"source\": the playlist (a JSON object)");
        return NULL;
    }
    sl_lint_opts lo = {.now_ms = now ? sl_hub_now_ms() : 0,
                       .probe_media = true,
                       .check_fonts = true,
                       .media_dir = hub->media_dir};
    *pl = sl_lint_json(source, NULL, &lo, d);
    return source;
}

enum MHD_Result sl_h_capi_check(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_diags d;
    sl_playlist *pl = NULL;
    sl_diags_init(&d);
    cJSON *in = sl_capi_json(r, &res);
    if (in && source_lint(hub, r, in, true, &pl, &d, &res))
        res = sl_reply_json(r, 200, diags_json(&d));
    sl_playlist_free(pl);
    sl_diags_free(&d);
    cJSON_Delete(in);
    return res;
}

/* The screen's tags of a preview: ["a", "b"] as "a,b" (NULL for none). -1 when not a list of texts. */
static int tags_csv(const cJSON *tags, char **out)
{
    *out = NULL;
    if (!tags || cJSON_IsNull(tags))
        return 0;
    if (!cJSON_IsArray(tags))
        return -1;
    size_t len = 1;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        if (!cJSON_IsString(t) || !t->valuestring[0] || strchr(t->valuestring, ','))
            return -1;
        len += strlen(t->valuestring) + 1;
    }
    if (cJSON_GetArraySize(tags) == 0)
        return 0;
    char *s = calloc(1, len);
    if (!s)
        return -1;
    cJSON_ArrayForEach(t, tags)
    {
        if (s[0])
            strcat(s, ",");
        strcat(s, t->valuestring);
    }
    *out = s;
    return 0;
}

enum MHD_Result sl_h_capi_preview(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_diags d;
    sl_playlist *pl = NULL;
    sl_tags tags = {0};
    sl_preview pv = {0};
    sl_ticker_timing tt = {0};
    char *csv = NULL, err[160];
    sl_diags_init(&d);
    cJSON *in = sl_capi_json(r, &res);
    if (!in || !source_lint(hub, r, in, false, &pl, &d, &res))
        goto out;
    if (!pl) {
        res = sl_reply_json(r, 422, diags_json(&d));
        goto out;
    }
    if (tags_csv(cJSON_GetObjectItemCaseSensitive(in, "tags"), &csv) != 0 || sl_tags_parse(csv, &tags) != 0) {
        res = sl_reply_error(r, 400, NULL, "\"tags\" is a list of the screen's tags (texts without ',')");
        goto out;
    }
    int64_t from, to;
    if (sl_preview_window(pl, sl_json_str(in, "from"), sl_json_str(in, "to"), sl_hub_now_ms(), &from, &to, err,
                          sizeof err) != 0) {
        res = sl_reply_error(r, 400, NULL, "%s", err);
        goto out;
    }
    /* Ticker slogans are timed for a screen of "screen" (WxH, default the player's 1920x1080). */
    int screen[2] = {SL_PREVIEW_SCREEN_W, SL_PREVIEW_SCREEN_H};
    const char *screen_s = sl_json_str(in, "screen");
    const sl_opts_entry screen_opt = {.name = "screen"};
    if (screen_s && sl_opts_set_size(screen, &screen_opt, screen_s, err, sizeof err) != 0) {
        res = sl_reply_error(r, 400, NULL, "%s", err);
        goto out;
    }
    if (sl_ticker_timing_init(&tt, pl, sl_console_text(hub->console), screen[0], screen[1]) != 0 ||
        sl_preview_run(pl, &tags, from, to, &tt.timing, &pv) != 0) {
        res = sl_reply_error(r, 500, NULL, "the hub ran out of memory");
        goto out;
    }
    res = sl_reply_json(r, 200, sl_preview_json(pl, csv, &pv));
out:
    sl_ticker_timing_free(&tt);
    sl_preview_free(&pv);
    sl_tags_free(&tags);
    free(csv);
    sl_playlist_free(pl);
    sl_diags_free(&d);
    cJSON_Delete(in);
    return res;
}

enum MHD_Result sl_h_capi_compile(sl_hub *hub, sl_req *r)
{
    enum MHD_Result res;
    sl_diags d;
    sl_playlist *pl = NULL;
    char err[256];
    char *payload = NULL;
    sl_diags_init(&d);
    cJSON *in = sl_capi_json(r, &res);
    const cJSON *source = in ? source_lint(hub, r, in, false, &pl, &d, &res) : NULL;
    if (!source)
        goto out;
    if (!pl) {
        res = sl_reply_json(r, 422, diags_json(&d));
        goto out;
    }
    int64_t current = 0;
    sl_st_rc rc = hub->store->ops->manifest_version(hub->store, r->param, &current, err, sizeof err);
    if (rc == SL_ST_NOT_FOUND)
        current = 0;
    else if (rc != SL_ST_OK) {
        res = sl_reply_store_error(hub, r, err);
        goto out;
    }
    sl_diags_free(&d);
    sl_diags_init(&d);
    payload = sl_mf_compile_json(source, NULL, hub->media_dir, r->param, current + 1, sl_hub_now_ms(), NULL, NULL,
                                 &d);
    if (!payload) {
        res = sl_reply_json(r, 422, diags_json(&d));
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", (double)(current + 1));
    cJSON_AddStringToObject(o, "payload", payload);
    res = sl_reply_json(r, 200, o);
out:
    free(payload);
    sl_playlist_free(pl);
    sl_diags_free(&d);
    cJSON_Delete(in);
    return res;
}
