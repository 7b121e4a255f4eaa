/* export.c — offline proof of play: the journal's unacknowledged plays as files for `screenlit records import`. */
#include "player/managed/export.h"

#include "content/fsutil.h"
#include "content/json.h"
#include "content/wire.h"
#include "player/managed/device.h"
#include "player/engine.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One screen's seqs in this export, for deleting the files it supersedes. */
typedef struct {
    char screen[SL_RECORD_ID_MAX + 1];
    int64_t first, last;
} export_span;

typedef struct {
    char *dir;              /* DIR/records */
    export_span *spans;
    size_t n_spans;
    char **written;         /* file names written */
    size_t n_written;
    sl_export_cb cb;
    void *ud;
} export_ctx;

static int note_span(export_ctx *c, const char *screen, int64_t first, int64_t last)
{
    for (size_t i = 0; i < c->n_spans; i++) {
        export_span *s = &c->spans[i];
        if (strcmp(s->screen, screen) == 0) {
            s->first = first < s->first ? first : s->first;
            s->last = last > s->last ? last : s->last;
            return 0;
        }
    }
    export_span *nv = realloc(c->spans, (c->n_spans + 1) * sizeof *nv);
    if (!nv)
        return -1;
    c->spans = nv;
    snprintf(nv[c->n_spans].screen, sizeof nv[c->n_spans].screen, "%s", screen);
    nv[c->n_spans].first = first;
    nv[c->n_spans].last = last;
    c->n_spans++;
    return 0;
}

/* Writes recs[0..n) (one screen, one seq window) as one file. */
static int write_file(export_ctx *c, const char *screen, const sl_play_record *recs, size_t n, char *err,
                      size_t errlen)
{
    int rc = -1;
    char name[SL_RECORD_ID_MAX + 64], *path = NULL, *text = NULL, *copy = NULL;
    cJSON *body = cJSON_CreateObject();
    cJSON *list = body && cJSON_AddStringToObject(body, "screen", screen) ? cJSON_AddArrayToObject(body, "records")
                                                                          : NULL;
    if (!list)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        cJSON *o = sl_record_to_json(&recs[i]);
        if (!o)
            goto oom;
        cJSON_AddItemToArray(list, o);
    }
    if (!(text = sl_json_print(body, false)))
        goto oom;
    snprintf(name, sizeof name, "%s-%" PRId64 "-%" PRId64 ".json", screen, recs[0].seq, recs[n - 1].seq);
    if (!(path = sl_fs_join(c->dir, name)))
        goto oom;
    size_t len = strlen(text);
    text[len] = '\n'; /* cJSON's buffer has room: it held the NUL */
    if (sl_fs_write_atomic(path, text, len + 1, 0644, false, err, errlen) != 0)
        goto out;
    char **nw = realloc(c->written, (c->n_written + 1) * sizeof *nw);
    if (!nw || !(copy = strdup(name))) {
        if (nw)
            c->written = nw;
        goto oom;
    }
    c->written = nw;
    c->written[c->n_written++] = copy;
    if (note_span(c, screen, recs[0].seq, recs[n - 1].seq) != 0)
        goto oom;
    if (c->cb)
        c->cb(c->ud, path, screen, n, recs[0].seq, recs[n - 1].seq);
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    cJSON_Delete(body);
    free(text);
    free(path);
    return rc;
}

/* Parses "<screen>-<first>-<last>.json". Returns 0 or -1. */
static int parse_name(const char *name, char *screen, size_t slen, int64_t *first, int64_t *last)
{
    size_t n = strlen(name);
    if (n < 10 || strcmp(name + n - 5, ".json") != 0)
        return -1;
    char buf[256];
    if (n - 5 >= sizeof buf)
        return -1;
    memcpy(buf, name, n - 5);
    buf[n - 5] = '\0';
    char *b = strrchr(buf, '-');
    if (!b)
        return -1;
    *b = '\0';
    char *a = strrchr(buf, '-');
    if (!a)
        return -1;
    *a = '\0';
    char *e1, *e2;
    long long x = strtoll(a + 1, &e1, 10), y = strtoll(b + 1, &e2, 10);
    if (*e1 || *e2 || e1 == a + 1 || e2 == b + 1 || x < 1 || y < x || !buf[0] || strlen(buf) >= slen)
        return -1;
    snprintf(screen, slen, "%s", buf);
    *first = x;
    *last = y;
    return 0;
}

/* Deletes files of earlier exports that this one repeats in full. */
static void remove_superseded(export_ctx *c)
{
    DIR *d = opendir(c->dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char screen[SL_RECORD_ID_MAX + 1];
        int64_t first, last;
        if (parse_name(e->d_name, screen, sizeof screen, &first, &last) != 0)
            continue;
        bool mine = false;
        for (size_t i = 0; i < c->n_written && !mine; i++)
            mine = strcmp(c->written[i], e->d_name) == 0;
        for (size_t i = 0; i < c->n_spans && !mine; i++) {
            const export_span *s = &c->spans[i];
            if (strcmp(s->screen, screen) == 0 && first >= s->first && last <= s->last) {
                char *path = sl_fs_join(c->dir, e->d_name);
                if (path)
                    unlink(path);
                free(path);
            }
        }
    }
    closedir(d);
}

int sl_export_records(sl_journal *j, const char *dir, const char *screen, sl_export_cb cb, void *ud,
                      int64_t *records, size_t *files, char *err, size_t errlen)
{
    int rc = -1;
    export_ctx c = {.cb = cb, .ud = ud};
    sl_play_record *page = calloc(SL_EXPORT_BATCH, sizeof *page);
    sl_play_record *group = calloc(SL_EXPORT_BATCH, sizeof *group);
    size_t ng = 0;
    int64_t after = 0, total = 0;
    if (records)
        *records = 0;
    if (files)
        *files = 0;
    c.dir = sl_fs_join(dir, "records");
    if (!page || !group || !c.dir) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (sl_fs_mkdirs(c.dir, err, errlen) != 0)
        goto out;
    for (;;) {
        size_t n = 0;
        if (sl_journal_pending_after(j, after, page, SL_EXPORT_BATCH, &n) != 0) {
            snprintf(err, errlen, "journal: %s", sl_journal_errmsg(j));
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            sl_play_record *r = &page[i];
            if (screen)
                snprintf(r->screen, sizeof r->screen, "%s", screen);
            bool same = ng > 0 && strcmp(group[0].screen, r->screen) == 0 &&
                        (group[0].seq - 1) / SL_EXPORT_BATCH == (r->seq - 1) / SL_EXPORT_BATCH;
            if (ng > 0 && !same) {
                if (write_file(&c, group[0].screen, group, ng, err, errlen) != 0)
                    goto out;
                ng = 0;
            }
            if (!sl_wire_id_ok(r->screen)) {
                snprintf(err, errlen, "play seq %" PRId64 " was recorded as screen '%s', which is not a screen id "
                                      "of the hub; set screen-id (or --screen-id) to the screen's id and export again",
                         r->seq, r->screen);
                goto out;
            }
            group[ng++] = *r;
            total++;
        }
        if (n < SL_EXPORT_BATCH)
            break;
        after = page[n - 1].seq;
    }
    if (ng > 0 && write_file(&c, group[0].screen, group, ng, err, errlen) != 0)
        goto out;
    remove_superseded(&c);
    if (records)
        *records = total;
    if (files)
        *files = c.n_written;
    rc = 0;
out:
    for (size_t i = 0; i < c.n_written; i++)
        free(c.written[i]);
    free(c.written);
    free(c.spans);
    free(c.dir);
    free(page);
    free(group);
    return rc;
}

static void print_file(void *ud, const char *path, const char *screen, size_t n, int64_t first, int64_t last)
{
    (void)ud;
    printf("wrote %s: %zu play%s of screen %s, seq %" PRId64 " to %" PRId64 "\n", path, n, n == 1 ? "" : "s",
           screen, first, last);
}

int sl_export_main(const sl_options *opt)
{
    char state[1024], jpath[1200], err[512];
    sl_device dev;
    const char *screen = NULL;
    if (opt->state_dir)
        snprintf(state, sizeof state, "%s", opt->state_dir);
    else
        sl_engine_default_state_dir(state, sizeof state);
    if (opt->journal)
        snprintf(jpath, sizeof jpath, "%s", opt->journal);
    else
        snprintf(jpath, sizeof jpath, "%s/journal.db", state);
    if (!sl_fs_is_file(jpath)) {
        fprintf(stderr, "screenlit-player: no play journal at %s (wrong --state-dir or --journal?)\n", jpath);
        return 1;
    }
    /* The records go under the screen's identity: the enrolled one, else screen-id,
     * else the id each play was recorded with. */
    if (sl_device_load(state, &dev, err, sizeof err) == 0)
        screen = dev.screen;
    else if (opt->screen_id)
        screen = opt->screen_id;
    if (screen && !sl_wire_id_ok(screen)) {
        fprintf(stderr, "screenlit-player: screen-id '%s' is not a screen id of the hub (1-64 letters, digits, "
                        "'.', '_', '-')\n", screen);
        return 1;
    }
    err[0] = '\0';
    sl_journal *j = sl_journal_open(jpath, err, sizeof err);
    if (!j) {
        fprintf(stderr, "screenlit-player: journal %s: %s\n", jpath, err);
        return 1;
    }
    if (err[0])
        fprintf(stderr, "screenlit-player: journal %s: %s\n", jpath, err);
    int64_t records = 0;
    size_t files = 0;
    int rc = sl_export_records(j, opt->export_records, screen, print_file, NULL, &records, &files, err, sizeof err);
    sl_journal_close(j);
    if (rc != 0) {
        fprintf(stderr, "screenlit-player: export to %s: %s\n", opt->export_records, err);
        return 1;
    }
    if (records == 0)
        printf("nothing to export: the hub has acknowledged every play in %s\n", jpath);
    else
        printf("exported %" PRId64 " play%s in %zu file%s to %s/records; they stay in the journal until the hub "
               "acknowledges them (import them with: screenlit records import %s)\n",
               records, records == 1 ? "" : "s", files, files == 1 ? "" : "s", opt->export_records,
               opt->export_records);
    return 0;
}
