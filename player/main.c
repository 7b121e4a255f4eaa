/* main.c — screenlit-player: reads its settings, plays, and prints the plays per item on exit. */
#include "content/lint.h"
#include "player/engine.h"
#include "player/managed/export.h"
#include "player/managed/hubhttp.h"
#include "player/managed/managed.h"
#include "player/options.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define RELOAD_CHECK_MS 1000 /* how often a standalone player looks at its playlist file */

/* Standalone mode: a playlist file edited in place is checked and, when it
 * lints clean, played at once; a broken edit is logged and the current
 * content keeps playing. */
typedef struct {
    const char *path;
    struct stat seen;
    int64_t last_check_ms;
} reload_watch;

static bool changed(const struct stat *a, const struct stat *b)
{
    return a->st_mtim.tv_sec != b->st_mtim.tv_sec || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
           a->st_size != b->st_size || a->st_ino != b->st_ino;
}

static void reload_tick(sl_engine *e, int64_t now, void *ud)
{
    reload_watch *w = ud;
    int64_t mono = sl_mono_ns() / 1000000;
    if (mono - w->last_check_ms < RELOAD_CHECK_MS)
        return;
    w->last_check_ms = mono;
    struct stat st;
    if (stat(w->path, &st) != 0 || !changed(&st, &w->seen))
        return;
    w->seen = st;
    sl_diags d;
    sl_diags_init(&d);
    sl_lint_opts lo = {.probe_media = true};
    sl_playlist *pl = sl_lint_file(w->path, &lo, &d);
    for (size_t i = 0; i < d.n; i++)
        sl_log_msg(&e->log, d.v[i].severity == SL_DIAG_ERROR ? SL_LOG_ERROR : SL_LOG_WARN, "%s: %s%s%s",
                   w->path, d.v[i].path, d.v[i].path[0] ? ": " : "", d.v[i].message);
    sl_diags_free(&d);
    if (!pl) {
        sl_log_error(&e->log, "%s changed but has errors: keeping the current content", w->path);
        return;
    }
    sl_log_info(&e->log, "%s changed: playing the new version", w->path);
    sl_engine_swap(e, pl, NULL, now);
}

int main(int argc, char **argv)
{
    sl_options opt;
    sl_engine e;
    reload_watch watch = {0};
    sl_managed m;
    bool managed_on = false;
    int rc = 1;
    memset(&m, 0, sizeof m);
    sl_options_defaults(&opt);
    int prc = sl_options_parse_argv(&opt, argc, argv);
    if (prc != 0) {
        sl_options_free(&opt);
        return prc == 1 ? 0 : 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (opt.export_records) {
        /* A command, not a run: the plays the hub has not acknowledged go to DIR/records. */
        rc = sl_export_main(&opt);
        goto out_options;
    }
    char state[1024], err[512];
    if (opt.state_dir)
        snprintf(state, sizeof state, "%s", opt.state_dir);
    else
        sl_engine_default_state_dir(state, sizeof state);
    managed_on = sl_managed_wanted(&opt, state) && (opt.hub || opt.enroll_code || opt.usb_path || !opt.playlist);
    if (managed_on) {
        if (sl_http_global_init() != 0) {
            fprintf(stderr, "screenlit-player: libcurl could not start\n");
            goto out_options;
        }
        /* A managed screen: the hub's signed content, or a screen that says what it waits for. */
        if (sl_managed_prepare(&m, &opt, state, err, sizeof err) != 0) {
            fprintf(stderr, "screenlit-player: %s\n", err);
            goto out_options;
        }
        if (m.enrolled && !opt.screen_id && !(opt.screen_id = strdup(m.dev.screen))) {
            fprintf(stderr, "screenlit-player: out of memory\n");
            goto out_options;
        }
        if (!m.enrolled && opt.usb_path && !opt.screen_id)
            sl_log_warn(&m.log, "no screen-id is set: plays are recorded under the host name; set screen-id to "
                                "the screen's id in the hub's inventory");
        const char *media_dir = NULL;
        sl_playlist *first = NULL;
        if (opt.playlist && !m.enrolled)
            first = sl_managed_current(&m, &media_dir); /* a USB bundle taken earlier, else the local
                                                           playlist until enrolment or a bundle */
        else
            first = sl_managed_initial(&m, &media_dir);
        if (first ? sl_engine_open_with(&e, &opt, first, media_dir) != 0 : sl_engine_open(&e, &opt) != 0)
            goto out;
        if (sl_managed_start(&m, &e, err, sizeof err) != 0) {
            sl_log_error(&e.log, "%s", err);
            goto out;
        }
        e.tick = sl_managed_tick;
        e.tick_ud = &m;
    } else {
        /* The baseline before the playlist is read: an edit made while the engine
         * opens is then seen at the first check, not taken for the baseline. */
        if (!opt.sim && opt.playlist)
            stat(opt.playlist, &watch.seen);
        if (sl_engine_open(&e, &opt) != 0)
            goto out;
    }
    if (!opt.sim && !managed_on) {
        watch.path = opt.playlist;
        watch.last_check_ms = sl_mono_ns() / 1000000;
        e.tick = reload_tick;
        e.tick_ud = &watch;
    }
    if (sl_engine_run(&e) != 0)
        goto out;
    if (managed_on) {
        /* The last plays are in the journal; give the uploader a moment to send them. */
        sl_recorder_flush(e.recorder);
        sl_managed_drain(&m, 3000);
    }
    printf("plays per item (this run):\n");
    printf("  %-24s %-10s %7s %10s\n", "item", "zone", "plays", "seconds");
    for (size_t i = 0; i < e.pl->n_items; i++) {
        const sl_item *it = &e.pl->items[i];
        if (e.counts[i].plays == 0)
            continue;
        printf("  %-24s %-10s %7lld %10.1f\n", it->id, it->zone >= 0 ? e.pl->zones[it->zone].id : "(any)",
               (long long)e.counts[i].plays, (double)e.counts[i].ms / 1000.0);
    }
    printf("frames rendered %lld, frames with a black zone %lld, frames written %lld, journal errors %lld\n",
           (long long)e.frames_rendered, (long long)e.black_frames, (long long)e.frames_written,
           (long long)(e.journal_errors + sl_recorder_failures(e.recorder) + sl_recorder_lost(e.recorder)));
    if (e.pictures_decoded + e.pictures_reused > 0)
        printf("pictures decoded %lld, shown again from memory %lld\n", (long long)e.pictures_decoded,
               (long long)e.pictures_reused);
    if (e.video_shown > 0)
        printf("video frames shown %lld, skipped %lld, repeated %lld; refreshes missed %lld\n",
               (long long)e.video_shown, (long long)e.video_skipped, (long long)e.video_repeated,
               (long long)e.refreshes_missed);
    rc = 0;
out:
    sl_managed_stop(&m); /* before the engine: the uploader reads its journal */
    sl_engine_close(&e);
out_options:
    sl_options_free(&opt);
    return rc;
}
