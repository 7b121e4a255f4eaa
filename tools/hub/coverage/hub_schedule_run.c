/* hub_schedule_run.c — making coverage reports from the hub's store: files with proof screenshots, and the thread of scheduled runs. */
#include "tools/hub/coverage/hub_schedule.h"

#include "content/fsutil.h"
#include "content/timeutil.h"
#include "content/worker.h"
#include "tools/report/sl_report_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHOT_FILE_MAX (4u * 1024u * 1024u) /* the hub keeps screenshots of at most 2 MiB */
#define SCHED_TICK_MS 60000LL               /* the thread looks at the clock at least this often */
#define SCHED_RETRY_MS (10 * 60000LL)       /* after a failed run */

size_t sl_hub_report_shots(sl_hub *hub, const cJSON *doc, size_t max, sl_report_shot *shots)
{
    const cJSON *s;
    size_t n = 0;
    char err[256], taken[40];
    cJSON_ArrayForEach(s, sl_report_list(doc, "screens"))
    {
        if (n >= max)
            break;
        const char *id = sl_report_str(s, "id");
        sl_hub_screenshot shot;
        if (!sl_report_obj(s, "screenshot") || !sl_wire_id_ok(id) ||
            hub->store->ops->screenshot_latest(hub->store, id, &shot, err, sizeof err) != SL_ST_OK)
            continue;
        char *path = sl_fs_join(hub->shots_dir, shot.file), *data = NULL;
        size_t len = 0;
        int rc = path && !strstr(shot.file, "..") ? sl_fs_read_file(path, SHOT_FILE_MAX, &data, &len, err, sizeof err)
                                                  : -1;
        free(path);
        if (rc != 0)
            continue;
        sl_instant_format(shot.taken_ms, 0, taken, sizeof taken);
        char *sid = strdup(id), *st = strdup(taken);
        if (!sid || !st) {
            free(sid);
            free(st);
            free(data);
            break;
        }
        shots[n++] = (sl_report_shot){.screen = sid, .taken = st, .data = (unsigned char *)data, .len = len};
    }
    return n;
}

void sl_hub_report_shots_free(sl_report_shot *shots, size_t n)
{
    for (size_t i = 0; shots && i < n; i++) {
        free((void *)shots[i].screen);
        free((void *)shots[i].taken);
        free((void *)shots[i].data);
        memset(&shots[i], 0, sizeof shots[i]);
    }
}

int sl_hub_report_file(sl_hub *hub, const cJSON *doc, sl_report_format f, sl_report_lang lang, const char *path,
                       char *err, size_t errlen)
{
    sl_report_shot shots[SL_HUB_REPORT_SHOTS];
    size_t n = f == SL_REPORT_HTML ? sl_hub_report_shots(hub, doc, SL_HUB_REPORT_SHOTS, shots) : 0;
    sl_report_opts o = {.lang = lang, .shots = shots, .n_shots = n};
    int rc = sl_report_write(doc, f, &o, path, err, errlen);
    sl_hub_report_shots_free(shots, n);
    return rc;
}

/* DATA/reports/NAME.EXT, malloc'd. */
static char *run_path(const sl_hub *hub, const sl_schedule_run *run, sl_report_format f)
{
    size_t n = strlen(hub->data_dir) + sizeof SL_SCHED_DIR + strlen(run->name) + 16;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s/%s.%s", hub->data_dir, SL_SCHED_DIR, run->name, sl_report_format_name(f));
    return p;
}

bool sl_schedule_made(const sl_hub *hub, const sl_schedule_run *run)
{
    for (size_t i = 0; i < SL_SCHED_N_FORMATS; i++) {
        char *p = run_path(hub, run, sl_schedule_formats[i]);
        bool there = p && sl_fs_is_file(p);
        free(p);
        if (!there)
            return false;
    }
    return true;
}

int sl_schedule_make(sl_hub *hub, const sl_schedule_run *run, sl_report_lang lang, char *err, size_t errlen)
{
    sl_coverage_query q = {.from_day = run->from_day, .to_day = run->to_day};
    char *dir = sl_fs_join(hub->data_dir, SL_SCHED_DIR);
    int rc = -1;
    cJSON *doc = NULL;
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (sl_fs_mkdir_private(dir, err, errlen) != 0)
        goto out;
    if (!(doc = sl_coverage_report(hub, &q, sl_hub_now_ms(), err, errlen)))
        goto out;
    /* The HTML last: a run is done when all three files are there. */
    for (size_t i = 0; i < SL_SCHED_N_FORMATS; i++) {
        char *p = run_path(hub, run, sl_schedule_formats[i]);
        int w = p ? sl_hub_report_file(hub, doc, sl_schedule_formats[i], lang, p, err, errlen) : -1;
        /* In the private data folder, private files (XLSX is written by its library). */
        if (w == 0 && sl_fs_file_private(p, false, err, errlen) != 0)
            w = -1;
        if (!p)
            snprintf(err, errlen, "out of memory");
        free(p);
        if (w != 0)
            goto out;
    }
    rc = 0;
out:
    cJSON_Delete(doc);
    free(dir);
    return rc;
}

struct sl_schedule {
    sl_hub *hub;
    sl_schedule_cfg cfg;
    sl_tz *tz;
    sl_worker *worker;
    int64_t done[2]; /* the worker's thread only: the last run made of each kind */
    bool first;
};

/* Makes the runs that are due; returns how long to sleep, in ms. */
static int64_t sched_step(sl_schedule *s, int64_t done[2], bool first)
{
    static const sl_sched_kind kinds[2] = {SL_SCHED_WEEKLY, SL_SCHED_MONTHLY};
    sl_schedule_run runs[2];
    char err[512];
    int64_t now = sl_hub_now_ms(), wait = SCHED_TICK_MS;
    size_t n = sl_schedule_due(s->cfg.kinds, s->tz, done, now, runs);
    for (size_t i = 0; i < n; i++) {
        int k = runs[i].kind == SL_SCHED_WEEKLY ? 0 : 1;
        if (sl_schedule_made(s->hub, &runs[i])) {
            done[k] = runs[i].at_ms;
            continue;
        }
        sl_log_info(&s->hub->log, "writing the scheduled report %s", runs[i].name);
        if (sl_schedule_make(s->hub, &runs[i], s->cfg.lang, err, sizeof err) == 0) {
            done[k] = runs[i].at_ms;
            sl_log_info(&s->hub->log, "wrote %s/%s/%s.{xlsx,csv,html}", s->hub->data_dir, SL_SCHED_DIR,
                        runs[i].name);
        } else {
            sl_log_error(&s->hub->log, "scheduled report %s failed (tried again in 10 minutes): %s", runs[i].name,
                         err);
            wait = SCHED_RETRY_MS;
        }
    }
    for (int k = 0; k < 2; k++) {
        if (!(s->cfg.kinds & kinds[k]))
            continue;
        int64_t t = sl_hub_now_ms(), next = sl_schedule_next_at(kinds[k], s->tz, t);
        if (first || n) {
            char when[40];
            sl_instant_format(next, sl_tz_offset_at(s->tz, next), when, sizeof when);
            sl_log_info(&s->hub->log, "report schedule: next %s report at %s", k ? "monthly" : "weekly", when);
        }
        if (wait == SCHED_TICK_MS && next - t >= 0 && next - t < wait)
            wait = next - t + 1;
    }
    return wait;
}

/* One round of the schedule's thread: the runs that are due, then a wait
 * until the next one (or the next look). */
static double sched_round(void *arg, bool *kickable)
{
    sl_schedule *s = arg;
    *kickable = false; /* nothing kicks it: only stop ends a wait */
    int64_t wait = sched_step(s, s->done, s->first);
    s->first = false;
    return (double)wait / 1000.0;
}

int sl_schedule_start(sl_hub *hub, const sl_schedule_cfg *cfg, sl_schedule **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!cfg->kinds)
        return 0;
    sl_schedule *s = calloc(1, sizeof *s);
    char tzerr[256];
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->hub = hub;
    s->cfg = *cfg;
    if (!(s->tz = sl_tz_load(cfg->tz, NULL, tzerr, sizeof tzerr))) {
        snprintf(err, errlen, "--report-tz %s: %s", cfg->tz, tzerr);
        free(s);
        return -1;
    }
    s->done[0] = s->done[1] = INT64_MIN;
    s->first = true;
    s->worker = sl_worker_new();
    if (!s->worker || sl_worker_start(s->worker, sched_round, s) != 0) {
        snprintf(err, errlen, s->worker ? "cannot start the report schedule's thread" : "out of memory");
        sl_worker_free(s->worker);
        sl_tz_free(s->tz);
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void sl_schedule_stop(sl_schedule *s)
{
    if (!s)
        return;
    sl_worker_free(s->worker); /* stops it: a report being written is finished first */
    sl_tz_free(s->tz);
    free(s);
}
