/* device.c — a managed screen's identity: enrolment with a one-time code, STATE/device.json (mode 0600). */
#include "player/managed/device.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/wire.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEVICE_FILE "device.json"
#define DEVICE_FILE_MAX (16u * 1024u)
#define ENROLL_FILE_MAX (16u * 1024u)
#define CODE_TEXT_MAX 64

static bool token_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* A hub base URL: http(s)://…, printable, no spaces; the trailing '/' cut. */
static int url_norm(const char *in, char out[SL_HTTP_URL_MAX + 1], char *err, size_t errlen)
{
    size_t n = in ? strlen(in) : 0;
    if (n == 0 || n > SL_HTTP_URL_MAX || (strncmp(in, "http://", 7) != 0 && strncmp(in, "https://", 8) != 0)) {
        snprintf(err, errlen, "the hub URL '%.80s' is not http://… or https://… (at most %d bytes)",
                 in ? in : "", SL_HTTP_URL_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)in[i] <= ' ' || in[i] == 0x7f) {
            snprintf(err, errlen, "the hub URL holds a space or control character");
            return -1;
        }
    }
    memcpy(out, in, n + 1);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = 0;
    return 0;
}

static int device_store(const char *state_dir, const sl_device *d, char *err, size_t errlen)
{
    int rc = -1;
    char *path = NULL, *text = NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "hub", d->hub) || !cJSON_AddStringToObject(o, "screen", d->screen) ||
        !cJSON_AddStringToObject(o, "token", d->token) || !cJSON_AddStringToObject(o, "channel", d->channel) ||
        (d->hub_ca[0] && !cJSON_AddStringToObject(o, "hub_ca", SL_DEVICE_CA_FILE))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    text = sl_json_print(o, false);
    path = sl_fs_join(state_dir, DEVICE_FILE);
    if (!text || !path) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (sl_fs_mkdirs(state_dir, err, errlen) != 0)
        goto out;
    rc = sl_fs_write_atomic(path, text, strlen(text), 0600, false, err, errlen);
out:
    if (text)
        memset(text, 0, strlen(text)); /* the token */
    free(text);
    free(path);
    cJSON_Delete(o);
    return rc;
}

int sl_device_save(const char *state_dir, const sl_device *d, char *err, size_t errlen)
{
    if (!state_dir || !d) {
        snprintf(err, errlen, "no state folder or identity");
        return -1;
    }
    return device_store(state_dir, d, err, errlen);
}

static int copy_member(const cJSON *o, const char *key, char *dst, size_t cap, bool allow_empty)
{
    const char *v = sl_json_str(o, key);
    if (!v || strlen(v) >= cap || (!allow_empty && !v[0]))
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* Copies the pinned CA into the state folder, next to device.json. */
static int keep_ca(const char *ca_file, const char *state_dir, char *kept, size_t keptlen, char *err, size_t errlen)
{
    char *pem = NULL, *path = NULL, why[300];
    size_t len = 0;
    int rc = -1;
    if (sl_fs_read_file(ca_file, SL_TLSCLIENT_CA_MAX, &pem, &len, why, sizeof why) != 0) {
        snprintf(err, errlen, "hub-ca %s", why);
        goto out;
    }
    path = sl_fs_join(state_dir, SL_DEVICE_CA_FILE);
    if (!path || strlen(path) >= keptlen) {
        snprintf(err, errlen, "the state folder's path is too long");
        goto out;
    }
    if (sl_fs_mkdirs(state_dir, err, errlen) != 0 || sl_fs_write_atomic(path, pem, len, 0644, false, err, errlen) != 0)
        goto out;
    memcpy(kept, path, strlen(path) + 1);
    rc = 0;
out:
    free(pem);
    free(path);
    return rc;
}

int sl_device_enroll(const char *hub_url, const char *code, const char *ca_file, const char *state_dir,
                     sl_device *out, char *err, size_t errlen)
{
    int rc = -1;
    sl_device d;
    sl_http *h = NULL;
    sl_http_reply rep = {0};
    cJSON *body = NULL, *in = NULL;
    char *text = NULL, url[SL_HTTP_URL_MAX + 64], why[300];
    bool pin = ca_file && ca_file[0];
    memset(&d, 0, sizeof d);
    if (url_norm(hub_url, d.hub, err, errlen) != 0)
        goto out;
    if (pin && strncmp(d.hub, "https://", 8) != 0) {
        snprintf(err, errlen, "hub-ca %s is set but the hub URL %.200s is plain http://: a pinned CA needs "
                              "https://", ca_file, d.hub);
        goto out;
    }
    if (pin && sl_tlsclient_ca_check(ca_file, err, errlen) != 0)
        goto out;
    if (!code || !code[0] || strlen(code) > CODE_TEXT_MAX) {
        snprintf(err, errlen, "no enrolment code, or one longer than %d characters", CODE_TEXT_MAX);
        goto out;
    }
    body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "code", code) || !(text = sl_json_print(body, false))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    h = sl_http_new(NULL);
    if (!h || sl_http_set_ca(h, ca_file) != 0) {
        snprintf(err, errlen, "cannot start libcurl");
        goto out;
    }
    snprintf(url, sizeof url, "%s/api/v1/enroll", d.hub);
    sl_http_req rq = {.method = "POST", .url = url, .content_type = "application/json", .body = text,
                      .body_len = strlen(text), .reply_max = 64 * 1024};
    if (sl_http_send(h, &rq, &rep, err, errlen) != 0)
        goto out;
    if (rep.status != 200) {
        sl_http_reply_error(&rep, why, sizeof why);
        snprintf(err, errlen, "the hub refused the enrolment code (%s)", why);
        goto out;
    }
    in = sl_json_parse(rep.body ? rep.body : "", rep.len, NULL, why, sizeof why);
    if (!in) {
        snprintf(err, errlen, "the hub's enrolment reply is not JSON: %s", why);
        goto out;
    }
    if (copy_member(in, "screen", d.screen, sizeof d.screen, false) != 0 || !sl_wire_id_ok(d.screen) ||
        copy_member(in, "token", d.token, sizeof d.token, false) != 0 || !token_ok(d.token)) {
        snprintf(err, errlen, "the hub's enrolment reply lacks a valid screen id or token");
        goto out;
    }
    if (cJSON_GetObjectItemCaseSensitive(in, "channel") && !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(in, "channel")) &&
        (copy_member(in, "channel", d.channel, sizeof d.channel, true) != 0 ||
         (d.channel[0] && !sl_wire_id_ok(d.channel)))) {
        snprintf(err, errlen, "the hub's enrolment reply has an invalid channel");
        goto out;
    }
    if (pin && keep_ca(ca_file, state_dir, d.hub_ca, sizeof d.hub_ca, err, errlen) != 0)
        goto out;
    if (device_store(state_dir, &d, err, errlen) != 0)
        goto out;
    if (out)
        *out = d;
    rc = 0;
out:
    memset(&d, 0, sizeof d);
    if (rep.body)
        memset(rep.body, 0, rep.len);
    sl_http_reply_free(&rep);
    sl_http_free(h);
    cJSON_Delete(body);
    cJSON_Delete(in);
    free(text);
    return rc;
}

int sl_device_load(const char *state_dir, sl_device *out, char *err, size_t errlen)
{
    int rc = -1;
    sl_device d;
    char why[256];
    cJSON *o = NULL;
    char *path = sl_fs_join(state_dir, DEVICE_FILE);
    memset(&d, 0, sizeof d);
    if (!path) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        rc = 1;
        goto out;
    }
    sl_json_limits lim = {.max_bytes = DEVICE_FILE_MAX, .max_depth = 4};
    o = sl_json_read_file(path, &lim, why, sizeof why);
    if (!o) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto out;
    }
    if (copy_member(o, "hub", d.hub, sizeof d.hub, false) != 0 || url_norm(d.hub, d.hub, why, sizeof why) != 0 ||
        copy_member(o, "screen", d.screen, sizeof d.screen, false) != 0 || !sl_wire_id_ok(d.screen) ||
        copy_member(o, "token", d.token, sizeof d.token, false) != 0 || !token_ok(d.token) ||
        copy_member(o, "channel", d.channel, sizeof d.channel, true) != 0) {
        snprintf(err, errlen, "%s: not a valid device identity (hub, screen, token, channel)", path);
        goto out;
    }
    /* It holds the screen's token: an older or hand-copied file open to others is closed. */
    if (sl_fs_file_private(path, false, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why);
        goto out;
    }
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(o, "hub_ca");
    if (ca) {
        char *ca_path = sl_fs_join(state_dir, SL_DEVICE_CA_FILE);
        bool fits = ca_path && strlen(ca_path) < sizeof d.hub_ca;
        if (!cJSON_IsString(ca) || strcmp(ca->valuestring, SL_DEVICE_CA_FILE) != 0 || !fits) {
            snprintf(err, errlen, "%s: hub_ca is not \"%s\"", path, SL_DEVICE_CA_FILE);
            free(ca_path);
            goto out;
        }
        memcpy(d.hub_ca, ca_path, strlen(ca_path) + 1);
        free(ca_path);
    }
    *out = d;
    rc = 0;
out:
    memset(&d, 0, sizeof d);
    cJSON_Delete(o);
    free(path);
    return rc;
}

/* Trims spaces at both ends in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

int sl_device_enroll_from_file(const char *path, const char *ca_file, const char *state_dir, sl_device *out,
                               char *err, size_t errlen)
{
    int rc = -1;
    char *text = NULL, hub[SL_HTTP_URL_MAX + 1] = "", code[CODE_TEXT_MAX + 1] = "", why[256];
    char ca[SL_TLSCLIENT_PATH_MAX] = "";
    size_t len;
    if (!path || access(path, F_OK) != 0)
        return 1;
    if (sl_fs_read_file(path, ENROLL_FILE_MAX, &text, &len, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto out;
    }
    if (strlen(text) != len) {
        snprintf(err, errlen, "%s: holds a NUL byte", path);
        goto out;
    }
    int lineno = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *l = trim(line);
        if (!*l)
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            snprintf(err, errlen, "%s: line %d is not 'name = value'", path, lineno);
            goto out;
        }
        *eq = 0;
        char *k = trim(l), *v = trim(eq + 1);
        if (!strcmp(k, "hub") && strlen(v) <= SL_HTTP_URL_MAX)
            memcpy(hub, v, strlen(v) + 1);
        else if (!strcmp(k, "code") && strlen(v) <= CODE_TEXT_MAX)
            memcpy(code, v, strlen(v) + 1);
        else if (!strcmp(k, "hub-ca") && v[0] && strlen(path) + strlen(v) + 2 <= sizeof ca) {
            const char *slash = strrchr(path, '/');
            if (v[0] == '/' || !slash) /* a relative file is in the enrolment file's folder */
                snprintf(ca, sizeof ca, "%s", v);
            else
                snprintf(ca, sizeof ca, "%.*s/%s", (int)(slash - path), path, v);
        } else {
            snprintf(err, errlen, "%s: line %d: unknown or too long setting '%.40s' (hub, code, hub-ca)", path,
                     lineno, k);
            goto out;
        }
    }
    if (!hub[0] || !code[0]) {
        snprintf(err, errlen, "%s: needs both 'hub = URL' and 'code = XXXX-XXXX-XXXX'", path);
        goto out;
    }
    if (sl_device_enroll(hub, code, ca_file && ca_file[0] ? ca_file : ca, state_dir, out, err, errlen) != 0)
        goto out;
    rc = 0;
    if (unlink(path) != 0) {
        char used[4096];
        snprintf(used, sizeof used, "%s.used", path);
        if (rename(path, used) != 0)
            snprintf(err, errlen, "enrolled, but could not remove %s: %s", path, strerror(errno));
    }
out:
    if (text)
        memset(text, 0, len);
    free(text);
    memset(code, 0, sizeof code);
    return rc;
}

bool sl_device_revoked_reply(const sl_device *dev, long status, const char *body, size_t len)
{
    if (!dev || status != 401 || !body || len == 0 || len > 4096)
        return false;
    sl_wire_error e;
    return sl_wire_error_parse(body, len, &e) == 0 && strcmp(e.code, SL_DEVICE_REVOKED_CODE) == 0 &&
           e.screen[0] && strcmp(e.screen, dev->screen) == 0;
}

int sl_device_forget(const char *state_dir, char *err, size_t errlen)
{
    char *path = sl_fs_join(state_dir, DEVICE_FILE);
    if (!path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(path);
    return rc;
}
