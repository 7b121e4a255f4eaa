/* main.c — screenlit-player: reads its settings, plays, and prints the plays per item on exit. */
#include "content/fsutil.h"
#include "player/engine.h"
#include "player/stopsig.h"
#include "player/managed/export.h"
#include "player/managed/hubhttp.h"
#include "player/managed/managed.h"
#include "player/options.h"
#include "player/vo.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Standalone mode: a playlist file edited in place is checked on a worker
 * thread (sl_watch) and played once ready, its unplayable items left out; an
 * edit that cannot be played at all is logged and the current content keeps
 * playing. The render loop only takes what is ready: it never waits. After a
 * quick start, the same thread checks the pictures not decoded before the
 * first frame, once that frame is shown, and those that cannot be shown are
 * left out of the schedule. */
typedef struct {
    sl_watch *watch;
    bool recheck_asked;
} standalone_run;

static void reload_tick(sl_engine *e, int64_t now, void *ud)
{
    standalone_run *run = ud;
    if (e->pictures_unchecked && !run->recheck_asked && e->frames_rendered > 0) {
        sl_watch_recheck(run->watch);
        run->recheck_asked = true;
    }
    sl_loaded ld;
    if (!sl_watch_take(run->watch, &ld))
        return;
    if (ld.recheck) {
        size_t n = sl_engine_leave_out(e, ld.skips, ld.n_skips, now);
        if (n == 0)
            sl_log_info(&e->log, "%s: the pictures not checked before the first frame were checked in %.1f s "
                                 "while the screen played on: all can be shown",
                        e->opt->playlist, ld.check_s);
        else
            sl_log_info(&e->log, "%s: the pictures not checked before the first frame were checked in %.1f s "
                                 "while the screen played on: %zu cannot be shown and %s left out",
                        e->opt->playlist, ld.check_s, n, n == 1 ? "is" : "are");
        e->pictures_unchecked = false;
        sl_loaded_free(&ld);
        return;
    }
    sl_log_info(&e->log, "%s changed: playing the new version (checked in %.1f s while the screen played on)",
                e->opt->playlist, ld.check_s);
    e->pictures_unchecked = false; /* the new version was checked whole */
    if (sl_engine_swap(e, ld.pl, NULL, now) == 0)
        sl_engine_skipped(e, ld.skips, ld.n_skips, now);
    else
        free(ld.skips);
}

/* Plays and time per item, then what could not be shown, then the run's counters. */
static void print_summary(const sl_engine *e)
{
    printf("plays per item (this run):\n");
    printf("  %-24s %-10s %7s %10s\n", "item", "zone", "plays", "seconds");
    for (size_t i = 0; i < e->pl->n_items; i++) {
        const sl_item *it = &e->pl->items[i];
        if (e->counts[i].plays == 0)
            continue;
        printf("  %-24s %-10s %7lld %10.1f\n", it->id, it->zone >= 0 ? e->pl->zones[it->zone].id : "(any)",
               (long long)e->counts[i].plays, (double)e->counts[i].ms / 1000.0);
    }
    if (e->skipped_total + e->failed_total > 0) {
        printf("items not shown (this run): %lld skipped, %lld plays failed\n", (long long)e->skipped_total,
               (long long)e->failed_total);
        for (size_t i = 0; i < e->n_skips; i++)
            printf("  %-24s %-10s %7s  %s\n", e->skips[i].item, e->skips[i].zone[0] ? e->skips[i].zone : "(any)",
                   "skipped", e->skips[i].reason);
        for (size_t i = 0; i < e->pl->n_items; i++) {
            const sl_item *it = &e->pl->items[i];
            if (e->counts[i].failed > 0)
                printf("  %-24s %-10s %7lld  failed\n", it->id,
                       it->zone >= 0 ? e->pl->zones[it->zone].id : "(any)", (long long)e->counts[i].failed);
        }
    }
    printf("frames rendered %lld, frames with a black zone %lld, frames written %lld, journal errors %lld\n",
           (long long)e->frames_rendered, (long long)e->black_frames, (long long)e->frames_written,
           (long long)(e->journal_errors + sl_recorder_failures(e->recorder) + sl_recorder_lost(e->recorder)));
    if (e->pictures_decoded + e->pictures_reused > 0)
        printf("pictures decoded %lld, shown again from memory %lld, taken as the start-up check decoded them "
               "%lld\n",
               (long long)e->pictures_decoded, (long long)e->pictures_reused, sl_loader_kept_used(e->loader));
    if (e->texts_rendered + e->fallback_reused > 0)
        printf("texts rendered %lld, fallback shown from its prepared picture %lld\n", (long long)e->texts_rendered,
               (long long)e->fallback_reused);
    if (e->video_shown > 0)
        printf("video frames shown %lld, skipped %lld, repeated %lld; refreshes missed %lld\n",
               (long long)e->video_shown, (long long)e->video_skipped, (long long)e->video_repeated,
               (long long)e->refreshes_missed);
    if (e->decoders_max > 0)
        printf("clips decoding at once at most %d\n", e->decoders_max);
    if (e->video_textures_made > 0)
        printf("clip textures made %lld\n", (long long)e->video_textures_made);
    if (e->video_threads_max > 0)
        printf("clip frames decoded ahead at most %d, decoder threads at most %d\n", e->video_ahead_max,
               e->video_threads_max);
    if (!e->clock.simulated)
        printf("longest time between two frames %lld ms\n", (long long)(e->frame_gap_max_ns / 1000000));
    if (!e->clock.simulated && e->frames_rendered > 0)
        printf("pixels drawn per frame %lld of %dx%d\n", (long long)(e->pixels_drawn / e->frames_rendered),
               e->vo.out_w, e->vo.out_h);
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* A fixed threshold: a clip's frame buffers (megabytes each) are mapped
     * and given back when the clip closes. glibc's sliding threshold would
     * move them into the heap after the first clip, where memory freed by
     * one clip's decoder stays with the process (a 1080p clip that follows
     * itself: peak RSS 214 MB instead of 156 MB). Two arenas, not eight a
     * CPU: every thread that allocates (decoders, loader, journal) kept
     * memory of its own in its arena (a 1080p clip: 2.5 MB less). */
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    mallopt(M_ARENA_MAX, 2);
#endif
    sl_options opt;
    sl_engine e;
    sl_watch *watch = NULL;
    standalone_run run = {0};
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
    sl_vo_window_quiet_input(opt.output); /* before any thread: it sets environment variables */
    signal(SIGPIPE, SIG_IGN);
    /* Before any thread starts: a stop request waits for the run loop (stopsig.h). */
    if (sl_stopsig_block() != 0)
        fprintf(stderr, "screenlit-player: warning: SIGTERM and SIGINT will end the player without its summary\n");
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
    bool wanted = sl_managed_wanted(&opt, state);
    if (!opt.playlist && !wanted) {
        fprintf(stderr, "screenlit-player: --playlist FILE is missing (or --hub URL for a managed screen, an "
                        "enrolment file (--enroll-file, default " SL_ENROLL_FILE_DEFAULT "), or --usb-path DIR for "
                        "one fed by USB sticks)\nTry 'screenlit-player --help'.\n");
        rc = 2;
        goto out_options;
    }
    /* With an enrolment file the screen enrols, whatever else is set; a
     * playlist in the config file is the board's content until then. A playlist on the command
     * line plays standalone unless a hub, a code, a USB stick or an enrolment
     * file is there too. */
    managed_on = wanted && (opt.hub || opt.enroll_code || opt.usb_path || !opt.playlist || !opt.playlist_cli ||
                            sl_fs_is_file(opt.enroll_file ? opt.enroll_file : SL_ENROLL_FILE_DEFAULT));
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
        sl_log wlog;
        sl_log_init(&wlog, "screenlit-player");
        if (opt.log_level)
            wlog.level = (sl_log_level)sl_log_level_parse(opt.log_level);
        if (!opt.sim && opt.playlist)
            watch = sl_watch_new(opt.playlist, &wlog);
        opt.check_after_start = watch != NULL;
        if (sl_engine_open(&e, &opt) != 0)
            goto out;
        run.watch = watch;
        e.tick = watch ? reload_tick : NULL;
        e.tick_ud = &run;
    }
    if (sl_engine_run(&e) != 0)
        goto out;
    if (managed_on) {
        /* The last plays are in the journal; give the uploader a moment to send them. */
        sl_recorder_flush(e.recorder);
        sl_managed_drain(&m, 3000);
    }
    print_summary(&e);
    rc = 0;
out:
    sl_watch_free(watch); /* before the engine: it logs through the engine's logger */
    sl_managed_stop(&m); /* before the engine: the uploader reads its journal */
    sl_engine_close(&e);
out_options:
    sl_options_free(&opt);
    return rc;
}
