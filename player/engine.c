/* engine.c — the player engine: opens everything, switches items zone by zone, records plays, runs the loop. */
#include "player/engine.h"
#include "player/stopsig.h"

#include "content/fsutil.h"
#include "content/lint.h"
#include "content/timeutil.h"
#include "content/tz.h"
#include "content/wire.h"

#include <SDL2/SDL_image.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* ---- preparing and recording ---- */

static char *media_path(const sl_engine *e, const sl_item *it)
{
    if (it->sha256 && e->media_dir)
        return sl_fs_join(e->media_dir, it->sha256); /* a manifest: the content-addressed cache */
    if (it->file)
        return sl_fs_join(e->base_dir, it->file);
    return NULL;
}

/* A prepared item with nothing in it: the renderer already holds its picture. */
static sl_prep *prep_held(const sl_zone_state *z, const sl_item *it, int64_t *counter)
{
    sl_prep *p = calloc(1, sizeof *p);
    if (p) {
        *p = (sl_prep){.item = it, .box_w = z->rect.w, .box_h = z->rect.h, .done = true};
        (*counter)++;
    }
    return p;
}

/* Whether `it` is the static fallback text this zone has prepared (drawn from its texture). */
static bool fallback_held(sl_engine *e, const sl_zone_state *z, const sl_item *it)
{
    return (int)(it - e->pl->items) == e->pl->fallback && it->type == SL_ITEM_TEXT &&
           it->mode == SL_TEXT_STATIC && z->fallback_prep && z->fallback_prep->item == it &&
           sl_prep_ready(e->loader, z->fallback_prep) && !z->fallback_prep->failed;
}

static sl_prep *submit(sl_engine *e, int zone, const sl_item *it)
{
    sl_zone_state *z = &e->zones[zone];
    sl_prep *held = NULL;
    /* Shown before in this box: the renderer keeps its texture; nothing to decode. */
    if (it->type == SL_ITEM_IMAGE && sl_picture_cached(e, (int)(it - e->pl->items), z->rect.w, z->rect.h))
        held = prep_held(z, it, &e->pictures_reused);
    else if (fallback_held(e, z, it))
        held = prep_held(z, it, &e->fallback_reused);
    if (held)
        return held;
    if (it->type == SL_ITEM_IMAGE)
        e->pictures_decoded++;
    else if (it->type == SL_ITEM_TEXT)
        e->texts_rendered++;
    char *path = media_path(e, it);
    sl_prep *p = sl_loader_submit(e->loader, it, path, z->rect.w, z->rect.h);
    free(path);
    sl_log_debug(&e->log, "zone %s: %s queued for preparation", e->pl->zones[zone].id, it->id);
    return p;
}

/* Sends a record to the journal's writer thread. */
static void journal_record(sl_engine *e, sl_play_record *r)
{
    sl_wire_text_cut(r->reason, sizeof r->reason, r->reason);
    if (!e->recorder)
        return;
    /* The writer thread does the disk work; a simulated run waits for it so
     * that its records are exactly where a kill would find them. */
    sl_recorder_submit(e->recorder, r);
    if (e->clock.simulated && sl_recorder_flush(e->recorder) != 0)
        e->journal_errors++;
}

/* Whether zone z is a sound zone playing its fallback: silence, not a play. */
static bool silent_fallback(const sl_engine *e, int zone, int item)
{
    return e->pl->zones[zone].sound && item == e->pl->fallback;
}

/* A record of item `item` in zone `zone` of the playlist, starting at start_ms. */
static void record_init(sl_engine *e, sl_play_record *r, const char *item, const char *sha256, const char *zone,
                        int64_t start_ms)
{
    memset(r, 0, sizeof *r);
    snprintf(r->screen, sizeof r->screen, "%s", e->screen_id);
    snprintf(r->item, sizeof r->item, "%s", item);
    snprintf(r->media_sha256, sizeof r->media_sha256, "%s", sha256 ? sha256 : "");
    r->manifest_version = e->pl->version;
    snprintf(r->zone, sizeof r->zone, "%s", zone);
    /* The board's clock (untrusted) or the true time; never the schedule's
     * stand-in time of a board at 1970 (see clock.h). */
    r->clock_trust = sl_clock_stamp(&e->clock, start_ms, &r->mono_start_ms, &r->start_ms);
}

/* Writes the play of `pick` in zone z, ending at end_ms. */
static void record_play(sl_engine *e, const sl_zone_state *z, const sl_pick *pick, int64_t end_ms,
                        sl_outcome outcome, const char *reason)
{
    const sl_item *it = &e->pl->items[pick->item];
    sl_play_record r;
    record_init(e, &r, it->id, it->sha256, e->pl->zones[z->zone].id, pick->start_ms);
    r.duration_ms = end_ms - pick->start_ms;
    if (r.duration_ms < 0)
        r.duration_ms = 0;
    r.outcome = outcome;
    snprintf(r.reason, sizeof r.reason, "%s", reason ? reason : "");
    if (outcome == SL_OUTCOME_FAILED) {
        e->counts[pick->item].failed++;
        e->failed_total++;
    } else {
        e->counts[pick->item].plays++;
        e->counts[pick->item].ms += r.duration_ms;
    }
    journal_record(e, &r);
}

/* Journals one item left out (outcome failed, duration 0, reason "skipped: …"). */
static void journal_skip(sl_engine *e, const sl_skip *s, int64_t now)
{
    sl_play_record r;
    /* The fallback has no zone of its own: the first zone stands for the screen. */
    record_init(e, &r, s->item, NULL, s->zone[0] ? s->zone : e->pl->zones[0].id, now);
    r.outcome = SL_OUTCOME_FAILED;
    snprintf(r.reason, sizeof r.reason, SL_RECORD_SKIPPED_PREFIX "%s", s->reason);
    journal_record(e, &r);
}

void sl_engine_skipped(sl_engine *e, sl_skip *skips, size_t n, int64_t now)
{
    if (e->skips != skips)
        free(e->skips);
    e->skips = skips;
    e->n_skips = n;
    e->skipped_total += (int64_t)n;
    for (size_t i = 0; i < n; i++)
        journal_skip(e, &skips[i], now);
}

size_t sl_engine_leave_out(sl_engine *e, const sl_skip *skips, size_t n, int64_t now)
{
    if (!e || !skips || n == 0)
        return 0;
    sl_skip *all = realloc(e->skips, (e->n_skips + n) * sizeof *all);
    if (!all) {
        sl_log_error(&e->log, "out of memory: items that cannot be shown stay in the schedule");
        return 0;
    }
    e->skips = all;
    size_t added = 0;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < e->pl->n_items; i++) {
            sl_item *it = &e->pl->items[i];
            /* Items left out at start are not in the playlist; the fallback is never scheduled. */
            if ((int)i == e->pl->fallback || it->left_out || !it->id || strcmp(it->id, skips[k].item) != 0)
                continue;
            it->left_out = true;
            e->skips[e->n_skips++] = skips[k];
            journal_skip(e, &skips[k], now);
            added++;
            break;
        }
    }
    e->skipped_total += (int64_t)added;
    return added;
}

/* ---- tickers ---- */

static bool is_ticker(const sl_item *it)
{
    return it->type == SL_ITEM_TEXT && it->mode == SL_TEXT_TICKER;
}

/* Records trail slogan i of zone z as ending at end_ms (when it left the
 * strip, or when something else took the strip) and drops it. */
static void trail_end(sl_engine *e, sl_zone_state *z, int i, int64_t end_ms)
{
    sl_ticker_trail *tr = &z->trail[i];
    if (end_ms > tr->leave_ms)
        end_ms = tr->leave_ms;
    bool cut = end_ms < tr->leave_ms;
    record_play(e, z, &tr->pick, end_ms, cut || tr->cut_short ? SL_OUTCOME_CUT_SHORT : SL_OUTCOME_COMPLETED,
                cut ? "the strip showed something else" : tr->cut_short ? "window ended" : "");
    if (tr->tex)
        SDL_DestroyTexture(tr->tex);
    sl_loader_discard(e->loader, tr->prep);
    memmove(&z->trail[i], &z->trail[i + 1], (size_t)(z->n_trail - i - 1) * sizeof z->trail[0]);
    z->n_trail--;
}

/* Records the slogans that have left the strip by `now`; with `all`, every
 * one still on it, ending at now. */
static void trail_expire(sl_engine *e, sl_zone_state *z, int64_t now, bool all)
{
    for (int i = 0; i < z->n_trail;) {
        if (all || z->trail[i].leave_ms <= now)
            trail_end(e, z, i, now);
        else
            i++;
    }
}

/* Moves the zone's current ticker slogan, all its passes entered at end_ms,
 * onto the trail: it keeps crossing the strip while the next one follows. */
static bool trail_push(sl_engine *e, sl_zone_state *z, int64_t end_ms)
{
    if (z->ticker.text_w <= 0 || z->cur_failed || !z->cur_prep)
        return false;
    if (z->n_trail == SL_TICKER_TRAIL_MAX)
        trail_end(e, z, 0, end_ms); /* a strip crowded with tiny slogans: the oldest goes */
    sl_ticker_trail *tr = &z->trail[z->n_trail++];
    int64_t passes = z->ticker_passes;
    if (end_ms > z->cur_end_ms) {
        /* Kept on longer (the next was not ready): the passes that entered meanwhile count. */
        int64_t off = sl_ticker_offset(&z->ticker, end_ms - z->cur.start_ms);
        int64_t cyc = (int64_t)z->ticker.text_w + z->ticker.gap;
        int64_t entered = cyc > 0 ? (off + cyc - 1) / cyc : passes;
        if (entered > passes)
            passes = entered;
    }
    *tr = (sl_ticker_trail){.pick = z->cur, .prep = z->cur_prep, .tex = z->cur_tex, .geom = z->ticker,
                            .passes = passes, .cut_short = z->cur.cut_short,
                            .leave_ms = z->cur.start_ms + sl_ticker_leave_ms(&z->ticker, passes)};
    z->cur_tex = NULL;
    z->cur_prep = NULL;
    return true;
}

/* At the start of the zone's current item: a ticker slogan enters once the
 * one before it is `gap` clear and makes whole passes for its duration; the
 * strip's trail ends when something that is not a ticker takes it. */
static void ticker_begin(sl_engine *e, sl_zone_state *z, const sl_pick *pick)
{
    const sl_item *it = &e->pl->items[pick->item];
    z->ticker = (sl_ticker_geom){0};
    z->ticker_passes = 0;
    if (!is_ticker(it) || z->cur_failed || !z->cur_prep || !z->cur_prep->surface) {
        trail_expire(e, z, z->cur.start_ms, true);
        return;
    }
    z->ticker = (sl_ticker_geom){.zone_w = z->rect.w, .text_w = z->cur_prep->surface->w,
                                 .gap = sl_ticker_gap_px(it, z->rect.h), .speed = it->speed_px_s};
    sl_ticker_prev prev = {0};
    if (z->n_trail > 0) {
        const sl_ticker_trail *last = &z->trail[z->n_trail - 1];
        prev = (sl_ticker_prev){.on = true, .geom = last->geom, .start_ms = last->pick.start_ms,
                                .passes = last->passes};
    }
    sl_ticker_slot s = sl_ticker_plan(&z->ticker, &prev, z->cur.start_ms, pick->duration_ms, pick->cut_short);
    z->cur.start_ms = s.start_ms;
    z->ticker_passes = s.passes;
    z->cur_end_ms = s.end_ms;
}

/* Ends the current item of a zone and frees what it showed. */
static void end_current(sl_engine *e, sl_zone_state *z, int64_t end_ms, const char *stop_reason)
{
    if (!z->has_cur)
        return;
    /* The sound stops at once, whatever ends the item. */
    char sound_err[256] = "";
    bool sound_never = false; /* failed before a single sample played */
    if (z->audio) {
        const char *ae = sl_audio_error(z->audio);
        if (ae) {
            snprintf(sound_err, sizeof sound_err, "%s", ae);
            sound_never = sl_audio_played_frames(z->audio) == 0;
        }
        sl_audio_stop(z->audio);
        z->audio = NULL;
    }
    sl_outcome oc = SL_OUTCOME_COMPLETED;
    const char *reason = "";
    if (z->cur_failed) {
        oc = SL_OUTCOME_FAILED;
        reason = z->cur_prep && z->cur_prep->err[0] ? z->cur_prep->err : "could not be shown";
    } else if (sound_never && e->pl->items[z->cur.item].type == SL_ITEM_AUDIO) {
        oc = SL_OUTCOME_FAILED; /* an announcement nobody heard */
        reason = sound_err;
    } else if (end_ms < z->cur_end_ms) {
        oc = SL_OUTCOME_CUT_SHORT;
        reason = stop_reason ? stop_reason : "pre-empted";
    } else if (z->cur.cut_short) {
        oc = SL_OUTCOME_CUT_SHORT;
        reason = z->cur.reason == SL_PICK_URGENT ? "urgent alert ended"
                 : z->cur.reason == SL_PICK_TIMED ? "next fixed time"
                                                  : "window ended";
    }
    /* A ticker slogan that ran its passes stays on the strip, recorded once it has left. */
    bool trailing = !stop_reason && end_ms >= z->cur_end_ms && trail_push(e, z, end_ms);
    if (stop_reason)
        trail_expire(e, z, end_ms, true);
    /* An item that began at the very instant the run stopped was never seen. */
    if (!trailing && (end_ms > z->cur.start_ms || !stop_reason) && !silent_fallback(e, z->zone, z->cur.item))
        record_play(e, z, &z->cur, end_ms < z->cur.start_ms ? z->cur.start_ms : end_ms, oc, reason);
    sl_render_zone_textures_free(z, true); /* begin frees a clip's unless a clip follows */
    sl_loader_discard(e->loader, z->cur_prep);
    z->cur_prep = NULL;
    z->has_cur = false;
}

/* Whether an item plays sound: an announcement, or a video that asks for its sound track. */
static bool item_has_sound(const sl_item *it)
{
    return it->file && (it->type == SL_ITEM_AUDIO || (it->type == SL_ITEM_VIDEO && it->audio));
}

/* Starts the sound of the zone's (just begun) current item; real clock only
 * (e->audio_out is NULL on the simulated clock or without a device). */
static void start_sound(sl_engine *e, sl_zone_state *z)
{
    const sl_item *it = &e->pl->items[z->cur.item];
    z->audio_err_logged = false;
    if (!e->audio_out || z->cur_failed || !z->cur_prep || !z->cur_prep->media_path ||
        !item_has_sound(it))
        return;
    char err[256];
    const sl_zone *zone = &e->pl->zones[z->zone];
    /* an announcement lowers the other sounds from its first sample to its last */
    if (zone->sound)
        z->audio = sl_audio_start_announcement(e->audio_out, z->cur_prep->media_path, it->volume,
                                               zone->duck, err, sizeof err);
    else
        z->audio = sl_audio_start(e->audio_out, z->cur_prep->media_path, it->volume,
                                  it->type == SL_ITEM_VIDEO ? SL_AUDIO_SYNC : 0, err, sizeof err);
    if (!z->audio)
        sl_log_warn(&e->log, "zone %s: %s plays without sound (%s)", e->pl->zones[z->zone].id,
                    it->id, err);
}

/* Real clock, nothing shown yet: only what the first frame shows is
 * prepared (the zones' next items and their fallbacks wait until it is shown,
 * and leave the CPUs to the first frame and the display server). */
static bool before_first_frame(const sl_engine *e)
{
    return !e->clock.simulated && e->frames_rendered == 0;
}

/* Makes `pick` (prepared in `prep`) the zone's current item from start_ms. */
static void begin(sl_engine *e, sl_zone_state *z, const sl_pick *pick, sl_prep *prep, int64_t start_ms)
{
    z->has_cur = true;
    z->cur = *pick;
    z->cur_end_ms = pick->start_ms + pick->duration_ms;
    if (start_ms > pick->start_ms)
        z->cur.start_ms = start_ms;
    if (z->cur_end_ms <= z->cur.start_ms)
        z->cur_end_ms = z->cur.start_ms + 1;
    z->cur_prep = prep;
    if (!prep || !prep->video)
        sl_render_zone_textures_free(z, false); /* a clip's texture, kept for a clip that would follow */
    z->cur_failed = (!prep || prep->failed) && !silent_fallback(e, z->zone, pick->item);
    if (z->cur_failed)
        sl_log_warn(&e->log, "zone %s: %s cannot be shown (%s); showing the fallback",
                    e->pl->zones[z->zone].id, e->pl->items[pick->item].id,
                    prep ? prep->err : "out of memory");
    z->video_index = -1;
    z->video_tex_index = -1;
    ticker_begin(e, z, pick);
    start_sound(e, z);
    sl_play hp = {.item = pick->item, .zone = z->zone, .start_ms = z->cur.start_ms,
                  .duration_ms = z->cur_end_ms - z->cur.start_ms};
    sl_history_push(&e->hist, &hp);

    /* Predict and prepare what follows, so it is ready before this one ends. */
    sl_loader_discard(e->loader, z->next_prep);
    z->next_prep = NULL;
    z->has_next = sl_sched_next(e->pl, &e->tags, z->zone, z->cur_end_ms, &e->hist, &z->next) == 0;
    /* A clip is opened only near the end of this item and once a clip
     * playing here has decoded its last frame (see prepare_deferred_next):
     * two decoders at once would double the memory a clip takes. Before the
     * first frame nothing that follows is prepared: it would take a CPU
     * from the first frame. */
    z->next_deferred = z->has_next && (e->pl->items[z->next.item].type == SL_ITEM_VIDEO || before_first_frame(e));
    if (z->has_next && !z->next_deferred && !silent_fallback(e, z->zone, z->next.item))
        z->next_prep = submit(e, z->zone, &e->pl->items[z->next.item]);
}

/* Prepares a zone's next item held back by begin(): any item once the first
 * frame is shown; a clip only when it is due, SL_NEXT_CLIP_LEAD_MS before
 * the current item ends, and not while a clip here still decodes (its
 * decoder ends a few frames before its last frame is shown; a clip that is
 * not ready at the switch keeps the current picture up until it is). */
static void prepare_deferred_next(sl_engine *e, sl_zone_state *z, int64_t now)
{
    if (!z->has_next || !z->next_deferred || z->pending || before_first_frame(e))
        return;
    bool clip = e->pl->items[z->next.item].type == SL_ITEM_VIDEO;
    if (clip && now < z->cur_end_ms - SL_NEXT_CLIP_LEAD_MS)
        return;
    if (clip && z->has_cur && z->cur_prep && sl_video_decoding(z->cur_prep->video) && now < z->cur_end_ms)
        return;
    z->next_deferred = false;
    if (!silent_fallback(e, z->zone, z->next.item))
        z->next_prep = submit(e, z->zone, &e->pl->items[z->next.item]);
}

/* Counts the clips decoding at once, their frames decoded ahead and their
 * decoder threads (for the summary). */
static void count_decoders(sl_engine *e)
{
    int n = 0;
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        const sl_zone_state *z = &e->zones[i];
        const sl_prep *p[3] = {z->has_cur ? z->cur_prep : NULL, z->next_prep, z->pending ? z->pending_prep : NULL};
        for (int k = 0; k < 3; k++)
            if (p[k] && sl_prep_ready(e->loader, (sl_prep *)p[k]) && p[k]->video) {
                n += sl_video_decoding(p[k]->video);
                if (sl_video_queued_max(p[k]->video) > e->video_ahead_max)
                    e->video_ahead_max = sl_video_queued_max(p[k]->video);
                if (sl_video_threads(p[k]->video) > e->video_threads_max)
                    e->video_threads_max = sl_video_threads(p[k]->video);
            }
    }
    if (n > e->decoders_max)
        e->decoders_max = n;
}

/* Picks and starts the next item of a zone at `now`. */
static void switch_zone(sl_engine *e, sl_zone_state *z, int64_t now)
{
    sl_pick pick;
    if (sl_sched_next(e->pl, &e->tags, z->zone, now, &e->hist, &pick) != 0)
        return;
    sl_prep *prep = NULL;
    if (z->has_next && z->next_prep && z->next.item == pick.item) {
        prep = z->next_prep; /* prepared ahead: the usual case */
        z->next_prep = NULL;
    } else if (!silent_fallback(e, z->zone, pick.item)) {
        prep = submit(e, z->zone, &e->pl->items[pick.item]);
    }
    z->has_next = false;
    if (!e->clock.simulated && !z->has_cur) {
        /* Real clock, nothing up: begins with the other such zones (begin_waited). */
        z->pending = true;
        z->pending_pick = pick;
        z->pending_prep = prep;
        return;
    }
    if (prep && !sl_prep_ready(e->loader, prep)) {
        if (e->clock.simulated) {
            sl_prep_wait(e->loader, prep);
        } else {
            /* Real clock and not ready: keep the current picture up (never black) until it is. */
            z->pending = true;
            z->pending_pick = pick;
            z->pending_prep = prep;
            return;
        }
    }
    end_current(e, z, now, NULL);
    begin(e, z, &pick, prep, now);
}

static void install_fallbacks(sl_engine *e);

/* Zones with nothing up yet (the start, new content): every zone's first item
 * is queued before any is waited for, so the first frame waits for these
 * alone, not for a zone's next item or a fallback queued between them. A
 * zone starting on its fallback is left to switch_zone (the fallback is
 * prepared once, by install_fallbacks). */
static void submit_first_items(sl_engine *e, int64_t now)
{
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        sl_pick pick;
        if (z->has_cur || z->pending || z->has_next ||
            sl_sched_next(e->pl, &e->tags, z->zone, now, &e->hist, &pick) != 0 || pick.item == e->pl->fallback)
            continue;
        z->next = pick;
        z->has_next = true;
        z->next_deferred = false;
        z->next_prep = submit(e, z->zone, &e->pl->items[pick.item]);
    }
}

/* A pick that can begin only at t (later than planned): it keeps its full
 * length, unless the schedule cut it short (a window's end, an alert): then
 * its end stays where it was. */
static void pick_begins_at(sl_pick *pick, int64_t t)
{
    int64_t late = t > pick->start_ms ? t - pick->start_ms : 0;
    if (pick->cut_short)
        pick->duration_ms = pick->duration_ms > late ? pick->duration_ms - late : 0;
    pick->start_ms += late;
}

/* Real clock: the zones with nothing up (the first items, or a zone that
 * was empty) wait for their items' preparations, there being no picture to
 * keep up meanwhile, and for their clips' first frames to be put in
 * textures, then begin together. After a wait they begin when it ended,
 * which is when they are first shown: the play records say so, and a
 * clip's first frames are not already due (and skipped); they keep their
 * full length (pick_begins_at). The wait for the first frame of all is the
 * loop's start-up: the player's time starts after it. */
static void begin_waited(sl_engine *e)
{
    bool waited = false;
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        if (z->pending && !z->has_cur && z->pending_prep && !sl_prep_ready(e->loader, z->pending_prep)) {
            if (!waited && e->frames_rendered == 0 && !e->backdrop_tried) {
                e->backdrop_tried = true;
                if (sl_render_backdrop(e)) /* the display takes it while the loader works */
                    sl_log_debug(&e->log, "the zones' backgrounds are shown while the first items are prepared");
            }
            sl_prep_wait(e->loader, z->pending_prep);
            waited = true;
        }
    }
    for (size_t i = 0; i < e->pl->n_zones; i++)
        if (e->zones[i].pending && !e->zones[i].has_cur &&
            sl_render_video_ahead(e, &e->zones[i], e->zones[i].pending_prep))
            waited = true;
    int64_t t = 0;
    if (waited) {
        e->waited_mono_ns = sl_mono_ns();
        /* Nothing shown yet: the loop's frames start here (a from:T clock's at T). */
        if (e->frames_rendered == 0)
            sl_clock_set_origin(&e->clock, e->waited_mono_ns);
        t = e->clock.start_ms + (e->waited_mono_ns - e->clock.start_mono_ns) / 1000000; /* = sl_clock_now_ms */
    }
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        if (!z->pending || z->has_cur)
            continue;
        pick_begins_at(&z->pending_pick, t);
        z->pending = false;
        begin(e, z, &z->pending_pick, z->pending_prep, z->pending_pick.start_ms);
        z->pending_prep = NULL;
    }
}

void sl_engine_update(sl_engine *e, int64_t now)
{
    submit_first_items(e, now);
    if (e->fallbacks_due && !before_first_frame(e)) {
        e->fallbacks_due = false;
        install_fallbacks(e);
    }
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        const char *ae = z->audio && !z->audio_err_logged ? sl_audio_error(z->audio) : NULL;
        if (ae) {
            sl_log_warn(&e->log, "zone %s: %s: %s", e->pl->zones[i].id, e->pl->items[z->cur.item].id, ae);
            z->audio_err_logged = true;
        }
        trail_expire(e, z, now, false);
        if (z->pending) {
            if (!sl_prep_ready(e->loader, z->pending_prep))
                continue;
            z->pending = false;
            end_current(e, z, now, NULL);
            begin(e, z, &z->pending_pick, z->pending_prep, now);
            z->pending_prep = NULL;
        }
        prepare_deferred_next(e, z, now);
        /* At most a few switches per update: zero-length picks cannot loop. */
        for (int guard = 0; guard < 8 && (!z->has_cur || now >= z->cur_end_ms) && !z->pending; guard++) {
            int64_t at = z->has_cur ? z->cur_end_ms : now;
            if (!e->clock.simulated || at > now)
                at = now;
            switch_zone(e, z, at); /* ends the current item at `at` once the next is ready */
        }
    }
    begin_waited(e);
    count_decoders(e);
}

/* ---- the player's time ---- */

/* Moves the player's time by delta_ms without a visible jump: the clock and
 * every time the engine holds (current, next and pending items, the play
 * history the frequency floors read) move together, so what is on screen
 * plays on and the schedule continues from the new time at the next switch.
 * Records are unaffected: they are stamped from the monotonic clock. */
static void move_time(sl_engine *e, int64_t delta_ms)
{
    sl_clock_shift(&e->clock, delta_ms);
    for (size_t i = 0; e->pl && i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        z->cur.start_ms += delta_ms;
        z->cur_end_ms += delta_ms;
        z->next.start_ms += delta_ms;
        z->pending_pick.start_ms += delta_ms;
        for (int k = 0; k < z->n_trail; k++) {
            z->trail[k].pick.start_ms += delta_ms;
            z->trail[k].leave_ms += delta_ms;
        }
    }
    for (size_t i = 0; i < e->hist.n; i++)
        e->hist.v[(e->hist.head + i) % e->hist.cap].start_ms += delta_ms;
}

static void log_move(sl_engine *e, int64_t delta_ms, const char *why)
{
    char when[40];
    int off = e->pl ? sl_tz_offset_at(e->pl->tz, sl_clock_now_ms(&e->clock)) : 0;
    sl_instant_format(sl_clock_now_ms(&e->clock), off, when, sizeof when);
    sl_log_info(&e->log, "%s: the schedule now runs at %s (moved by %+.1f s)", why, when,
                (double)delta_ms / 1000.0);
}

/* A board whose clock is untrusted and earlier than its content's publication
 * (a Pi booted at 1970 without network) plays as if it were that instant plus
 * the time since: the content it holds, not the fallback. */
static void apply_content_floor(sl_engine *e)
{
    int64_t delta = 0;
    if (e->pl && sl_clock_floor_due(&e->clock, e->pl->created_ms, &delta)) {
        move_time(e, delta);
        log_move(e, delta, "the clock is not trusted and earlier than the content's publication");
    }
}

/* Once the true time is known (NTP, the hub's Date), the schedule follows it. */
static void follow_true_time(sl_engine *e)
{
    int64_t delta = 0;
    if (sl_clock_rebase_due(&e->clock, &delta)) {
        move_time(e, delta);
        log_move(e, delta, "learned the true time");
    }
}

/* ---- opening and closing ---- */

void sl_engine_default_state_dir(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0])
        snprintf(buf, len, "%s/screenlit", xdg);
    else if (home && home[0])
        snprintf(buf, len, "%s/.local/state/screenlit", home);
    else
        snprintf(buf, len, "/var/lib/screenlit");
}

static void layout(sl_engine *e)
{
    int out_w = e->vo.out_w, out_h = e->vo.out_h;
    const sl_options *o = e->opt;
    e->region = (SDL_Rect){0, 0, out_w, out_h};
    if (o->has_region)
        e->region = (SDL_Rect){o->region_x, o->region_y, o->region_w, o->region_h};
    bool turned = o->rotate == 90 || o->rotate == 270;
    e->canvas_w = turned ? e->region.h : e->region.w;
    e->canvas_h = turned ? e->region.w : e->region.h;
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        SDL_Rect *rc = &e->zones[i].rect;
        sl_zone_box(&e->pl->zones[i], e->canvas_w, e->canvas_h, &rc->x, &rc->y, &rc->w, &rc->h);
        e->zones[i].zone = (int)i;
        e->zones[i].video_index = -1;
        e->zones[i].video_tex_index = -1;
    }
}

/* Queues the fallback of every zone's box behind the items' own
 * preparations, so that it does not delay the first frame; it is waited for
 * when first needed (sl_engine_fallback). Called by the first update after
 * new content, once every zone's first item is queued (submit_first_items):
 * queued before, the loader would take a fallback while the zones' first
 * items were still being picked. */
static void install_fallbacks(sl_engine *e)
{
    const sl_options *opt = e->opt;
    const sl_item *fb = &e->pl->items[e->pl->fallback];
    if (opt->fallback_image) {
        e->fallback_image_item = (sl_item){.id = "fallback", .type = SL_ITEM_IMAGE, .zone = -1,
                                           .file = opt->fallback_image, .fit = SL_FIT_CONTAIN,
                                           .duration_ms = SL_IMAGE_DURATION_DEFAULT_MS};
        fb = &e->fallback_image_item;
    }
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        sl_zone_state *z = &e->zones[i];
        char *path = NULL;
        if (e->pl->zones[i].sound)
            continue; /* nothing to show: its fallback is silence */
        if (opt->fallback_image)
            path = strdup(opt->fallback_image);
        else
            path = media_path(e, fb);
        z->fallback_prep = sl_loader_submit_later(e->loader, fb, path, z->rect.w, z->rect.h);
        z->fallback_checked = false;
        free(path);
        sl_log_debug(&e->log, "zone %s: the fallback (%s) queued for preparation", e->pl->zones[i].id, fb->id);
    }
}

const sl_prep *sl_engine_fallback(sl_engine *e, sl_zone_state *z)
{
    if (e->fallbacks_due) { /* drawn before the first update (a managed screen's first screenshot) */
        e->fallbacks_due = false;
        install_fallbacks(e);
    }
    if (!z->fallback_checked && !e->pl->zones[z->zone].sound) {
        z->fallback_checked = true;
        if (z->fallback_prep)
            sl_prep_wait(e->loader, z->fallback_prep);
        if (!z->fallback_prep || z->fallback_prep->failed)
            sl_log_warn(&e->log, "the fallback cannot be shown in zone %s (%s): a plain background "
                                 "stands in", e->pl->zones[z->zone].id,
                        z->fallback_prep ? z->fallback_prep->err : "out of memory");
    }
    return z->fallback_prep && z->fallback_checked && !z->fallback_prep->failed ? z->fallback_prep : NULL;
}

/* Frees everything a zone holds (current, next, pending, fallback). */
static void zone_clear(sl_engine *e, sl_zone_state *z)
{
    sl_audio_stop(z->audio);
    z->audio = NULL;
    sl_render_zone_textures_free(z, false);
    for (int k = 0; k < z->n_trail; k++) {
        if (z->trail[k].tex)
            SDL_DestroyTexture(z->trail[k].tex);
        if (e->loader)
            sl_loader_discard(e->loader, z->trail[k].prep);
    }
    if (z->fallback_tex)
        SDL_DestroyTexture(z->fallback_tex);
    z->fallback_tex = NULL;
    if (e->loader) {
        sl_loader_discard(e->loader, z->cur_prep);
        sl_loader_discard(e->loader, z->next_prep);
        sl_loader_discard(e->loader, z->pending_prep);
        sl_loader_discard(e->loader, z->fallback_prep);
    }
    memset(z, 0, sizeof *z);
    z->video_index = -1;
    z->video_tex_index = -1;
}

int sl_engine_swap(sl_engine *e, sl_playlist *npl, const char *media_dir, int64_t now)
{
    if (!e || !npl)
        return -1;
    sl_item_count *counts = calloc(npl->n_items, sizeof *counts);
    char *mdir = media_dir ? strdup(media_dir) : NULL;
    if (!counts || (media_dir && !mdir)) {
        free(counts);
        free(mdir);
        sl_playlist_free(npl);
        sl_log_error(&e->log, "out of memory: keeping the current content");
        return -1;
    }
    for (size_t i = 0; i < e->pl->n_zones; i++) {
        end_current(e, &e->zones[i], now, "new content");
        zone_clear(e, &e->zones[i]);
    }
    sl_log_info(&e->log, "switching to %s version %lld", npl->channel ? npl->channel : "(local)",
                (long long)npl->version);
    sl_playlist_free(e->pl);
    e->pl = npl;
    free(e->media_dir);
    e->media_dir = mdir;
    free(e->counts);
    e->counts = counts;
    free(e->skips); /* about the old playlist's items */
    e->skips = NULL;
    e->n_skips = 0;
    /* Plays of the old playlist say nothing about the new one's items. */
    sl_history_free(&e->hist);
    sl_history_init(&e->hist, 0);
    sl_picture_cache_clear(e); /* kept by item number: the new playlist numbers its own */
    layout(e);
    e->fallbacks_due = true;
    apply_content_floor(e); /* newer content (e.g. from a USB bundle) on an untrusted clock */
    /* The next update starts every zone, waiting for its first item: no black frame. */
    return 0;
}

int sl_engine_open(sl_engine *e, const sl_options *opt)
{
    return sl_engine_open_with(e, opt, NULL, NULL);
}

/* The playlist the engine plays: the one given (a manifest), or the
 * options' file checked like `screenlit lint` does. 0, or -1 after logging. */
static int engine_take_playlist(sl_engine *e, sl_playlist *given, const char *media_dir)
{
    const sl_options *opt = e->opt;
    if (given) {
        e->pl = given;
        e->media_dir = media_dir ? strdup(media_dir) : NULL;
        e->base_dir = strdup(".");
    } else {
        /* The playlist, checked like `screenlit lint` does; items that cannot
         * be shown are left out (journaled once the journal is open). */
        sl_loaded ld;
        /* A watched playlist (the real clock): only the first picture of
         * each zone is decoded before the first frame, the rest are checked
         * after it (main.c). A simulated run checks everything first: its
         * plays depend on nothing else. */
        sl_load_mode mode = opt->check_after_start && !opt->sim ? SL_LOAD_QUICK : SL_LOAD_KEEP;
        if (!opt->playlist || sl_standalone_load(opt->playlist, &e->log, mode, &ld) != 0) {
            sl_log_error(&e->log, "cannot play %s; check it with: screenlit lint %s",
                         opt->playlist ? opt->playlist : "(no playlist)",
                         opt->playlist ? opt->playlist : "PLAYLIST");
            return -1;
        }
        e->pl = ld.pl;
        e->skips = ld.skips;
        e->n_skips = ld.n_skips;
        e->kept = ld.kept; /* the loader takes them once it runs */
        e->n_kept = ld.n_kept;
        e->pictures_unchecked = ld.partial;
        e->base_dir = sl_fs_dirname(opt->playlist);
    }
    return 0;
}

/* The screen's id and its journal in the state folder. A journal that
 * cannot be opened is logged, not fatal: showing content matters more.
 * -1 (after logging) only when the state folder cannot be made. */
static int engine_open_journal(sl_engine *e)
{
    const sl_options *opt = e->opt;
    char err[512];
    /* Identity and state. */
    if (opt->screen_id)
        snprintf(e->screen_id, sizeof e->screen_id, "%s", opt->screen_id);
    else if (gethostname(e->screen_id, sizeof e->screen_id - 1) != 0)
        snprintf(e->screen_id, sizeof e->screen_id, "screen");
    char state[1024];
    if (opt->state_dir)
        snprintf(state, sizeof state, "%s", opt->state_dir);
    else
        sl_engine_default_state_dir(state, sizeof state);
    char jpath[1200];
    if (opt->journal) {
        snprintf(jpath, sizeof jpath, "%s", opt->journal);
    } else {
        if (sl_fs_mkdirs(state, err, sizeof err) != 0) {
            sl_log_error(&e->log, "state folder: %s", err);
            return -1;
        }
        snprintf(jpath, sizeof jpath, "%s/journal.db", state);
    }
    err[0] = '\0';
    e->journal = sl_journal_open(jpath, err, sizeof err);
    if (!e->journal) {
        /* Showing content matters more than recording it: play on, and say so. */
        sl_log_error(&e->log, "journal %s: %s; plays will not be recorded", jpath, err);
    } else {
        if (err[0])
            sl_log_warn(&e->log, "journal %s: %s", jpath, err);
        e->recorder = sl_recorder_new(e->journal, &e->log, err, sizeof err);
        if (!e->recorder)
            sl_log_error(&e->log, "%s; plays will not be recorded", err);
    }
    return 0;
}

/* SDL, the sound device when an item has sound, the output driver, the
 * region and the rotation canvas. 0, or -1 after logging. */
static int engine_open_output(sl_engine *e)
{
    const sl_options *opt = e->opt;
    char err[512];
    /* Output. */
    bool offscreen = strcmp(opt->output, "window") != 0;
    if (offscreen)
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    if (SDL_Init(offscreen ? 0 : SDL_INIT_VIDEO) != 0) {
        sl_log_error(&e->log, "cannot start SDL: %s", SDL_GetError());
        return -1;
    }
    e->sdl_ok = true;
    IMG_Init(IMG_INIT_PNG);
    /* Sound: real clock only (the simulated one stays fast and deterministic),
     * and only when some item has any. No device: play on in silence. */
    bool sound = false;
    for (size_t i = 0; i < e->pl->n_items && !e->clock.simulated; i++)
        sound = sound || item_has_sound(&e->pl->items[i]);
    if (sound) {
        e->audio_out = sl_audio_out_open(err, sizeof err);
        if (e->audio_out)
            sl_log_info(&e->log, "sound through SDL's %s audio driver",
                        sl_audio_out_driver(e->audio_out));
        else
            sl_log_warn(&e->log, "%s; playing without sound", err);
    }
    if (sl_vo_select(&e->vo, opt->output, err, sizeof err) != 0) {
        sl_log_error(&e->log, "%s", err);
        return -1;
    }
    if (strncmp(opt->output, "frames:", 7) == 0 && sl_fs_mkdirs(e->vo.frames_dir, err, sizeof err) != 0) {
        sl_log_error(&e->log, "frames folder: %s", err);
        return -1;
    }
    e->vo.out_w = opt->size_w;
    e->vo.out_h = opt->size_h;
    e->vo_begun = true; /* uninit at close, even after a failed init: it frees what init made */
    if (e->vo.driver->init(&e->vo, err, sizeof err) != 0) {
        sl_log_error(&e->log, "output %s: %s", e->vo.driver->name, err);
        return -1;
    }
    if (opt->has_region && (opt->region_x + opt->region_w > e->vo.out_w ||
                            opt->region_y + opt->region_h > e->vo.out_h)) {
        sl_log_error(&e->log, "region %d,%d,%d,%d does not fit in the %dx%d output", opt->region_x,
                     opt->region_y, opt->region_w, opt->region_h, e->vo.out_w, e->vo.out_h);
        return -1;
    }
    layout(e);
    if (opt->rotate) {
        e->canvas = SDL_CreateTexture(e->vo.renderer, SDL_PIXELFORMAT_ARGB8888,
                                      SDL_TEXTUREACCESS_TARGET, e->canvas_w, e->canvas_h);
        if (!e->canvas) {
            sl_log_error(&e->log, "cannot make the rotation canvas: %s", SDL_GetError());
            return -1;
        }
    }

    return 0;
}

int sl_engine_open_with(sl_engine *e, const sl_options *opt, sl_playlist *given, const char *media_dir)
{
    char err[512];
    int rc = -1;
    memset(e, 0, sizeof *e);
    e->opt = opt;
    sl_log_init(&e->log, "screenlit-player");
    if (opt->log_level)
        e->log.level = (sl_log_level)sl_log_level_parse(opt->log_level);
    e->diagnostic = opt->diagnostic;
    sl_watchdog_init(&e->watchdog, &e->log);

    if (engine_take_playlist(e, given, media_dir) != 0)
        goto out;
    /* A screen-wide text rendering (an LED wall wants every slogan crisp). */
    for (size_t i = 0; opt->text_render >= 0 && i < e->pl->n_items; i++)
        if (e->pl->items[i].type == SL_ITEM_TEXT)
            e->pl->items[i].render = (sl_render)opt->text_render;
    if (sl_tags_parse(opt->tags, &e->tags) != 0) {
        sl_log_error(&e->log, "tags: '%s' is not a list of tags", opt->tags);
        goto out;
    }
    e->counts = calloc(e->pl->n_items, sizeof *e->counts);
    if (!e->counts || sl_history_init(&e->hist, 0) != 0) {
        sl_log_error(&e->log, "out of memory");
        goto out;
    }

    if (engine_open_journal(e) != 0)
        goto out;

    if (opt->sim)
        sl_clock_init_sim(&e->clock, opt->sim_start_ms);
    else if (opt->shifted)
        sl_clock_init_shifted(&e->clock, opt->sim_start_ms);
    else if (opt->skewed)
        sl_clock_init_skewed(&e->clock, opt->sim_start_ms);
    else
        sl_clock_init_real(&e->clock);
    apply_content_floor(e);
    /* The items left out at load, now that there is a journal and a clock. */
    sl_engine_skipped(e, e->skips, e->n_skips, sl_clock_now_ms(&e->clock));

    if (engine_open_output(e) != 0)
        goto out;

    e->text = sl_text_new(opt->font, opt->font_index >= 0 ? opt->font_index : 0, err, sizeof err);
    if (!e->text) {
        sl_log_error(&e->log, "%s", err);
        goto out;
    }
    e->loader = sl_loader_new(e->text, opt->hw_decode, &e->log, err, sizeof err);
    if (!e->loader) {
        sl_log_error(&e->log, "%s", err);
        goto out;
    }
    sl_loader_keep(e->loader, e->kept, e->n_kept);
    e->kept = NULL;
    e->n_kept = 0;
    e->fallbacks_due = true;
    sl_log_info(&e->log, "playing %s on %s output %dx%d%s as screen %s",
                opt->playlist ? opt->playlist : (e->pl->channel ? e->pl->channel : "(built-in)"),
                e->vo.driver->name, e->vo.out_w, e->vo.out_h, e->clock.simulated ? " (simulated clock)" : "",
                e->screen_id);
    rc = 0;
out:
    return rc;
}

void sl_engine_close(sl_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; e->pl && i < e->pl->n_zones; i++)
        zone_clear(e, &e->zones[i]);
    sl_picture_cache_clear(e);
    if (e->diag_tex)
        SDL_DestroyTexture(e->diag_tex);
    if (e->canvas)
        SDL_DestroyTexture(e->canvas);
    sl_audio_out_close(e->audio_out);
    sl_loader_free(e->loader);
    sl_text_free(e->text);
    if (e->vo_begun)
        e->vo.driver->uninit(&e->vo);
    if (e->sdl_ok) {
        IMG_Quit();
        SDL_Quit();
    }
    sl_recorder_free(e->recorder); /* writes what is still queued */
    sl_journal_close(e->journal);
    sl_history_free(&e->hist);
    free(e->counts);
    free(e->skips);
    sl_kept_pictures_free(e->kept, e->n_kept);
    sl_tags_free(&e->tags);
    free(e->base_dir);
    free(e->media_dir);
    sl_playlist_free(e->pl);
    memset(e, 0, sizeof *e);
}

/* ---- the loop ---- */

static void capture(sl_engine *e, int64_t now, const char *kind, const char *zone)
{
    char name[256];
    int64_t ms = now - e->clock.start_ms;
    if (zone)
        snprintf(name, sizeof name, "%s-%010lld-%s.png", kind, (long long)ms, zone);
    else
        snprintf(name, sizeof name, "%s-%010lld.png", kind, (long long)ms);
    if (sl_render_capture(e, name) == 0)
        e->frames_written++;
}

static void finish_all(sl_engine *e, int64_t now)
{
    for (size_t i = 0; i < e->pl->n_zones; i++)
        end_current(e, &e->zones[i], now, "player stopped");
}

/* Simulated clock: jump from event to event (item ends, frame captures), as fast as possible. */
/* A SIGTERM or SIGINT (a service stopped, Ctrl-C) ends the run as its end
 * would: the items on screen are recorded and the summary printed. */
static bool stop_asked(sl_engine *e)
{
    int sig = 0;
    if (!sl_stopsig_pending(&sig))
        return false;
    sl_log_info(&e->log, "stopping: %s", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    return true;
}

static int run_sim(sl_engine *e)
{
    const sl_options *o = e->opt;
    int64_t start = e->clock.start_ms;
    int64_t end = start + (int64_t)(o->run_s * 1000.0 + 0.5);
    int64_t every = (int64_t)(o->frames_every_s * 1000.0 + 0.5);
    int64_t next_capture = every > 0 ? start : INT64_MAX;
    bool frames = strncmp(o->output, "frames:", 7) == 0;
    for (;;) {
        sl_watchdog_turn(&e->watchdog);
        int64_t now = sl_clock_now_ms(&e->clock);
        int64_t before[SL_PLAYLIST_MAX_ZONES];
        for (size_t i = 0; i < e->pl->n_zones; i++)
            before[i] = e->zones[i].has_cur ? e->zones[i].cur.start_ms : INT64_MIN;
        if (e->tick)
            e->tick(e, now, e->tick_ud);
        sl_engine_update(e, now);
        if (frames && o->frames_at_switch) {
            for (size_t i = 0; i < e->pl->n_zones; i++) {
                if (e->zones[i].cur.start_ms != before[i] && now < end) {
                    sl_render_frame(e, now);
                    capture(e, now, "switch", e->pl->zones[i].id);
                }
            }
        }
        if (now >= next_capture && now < end + (every > 0 ? 1 : 0) && frames) {
            sl_render_frame(e, now);
            capture(e, now, "frame", NULL);
            next_capture += every;
        } else if (!frames && now >= next_capture) {
            next_capture += every;
        }
        if (e->frames_rendered > 0 || !frames)
            sl_watchdog_ready(&e->watchdog, &e->log); /* the first frame is drawn (none to draw: at once) */
        if (now >= end)
            break;
        if (stop_asked(e)) {
            end = now;
            break;
        }
        int64_t next = end < next_capture ? end : next_capture;
        for (size_t i = 0; i < e->pl->n_zones; i++)
            if (e->zones[i].has_cur && e->zones[i].cur_end_ms < next)
                next = e->zones[i].cur_end_ms;
        for (size_t i = 0; i < e->pl->n_zones; i++) /* a slogan leaving the strip is recorded then */
            for (int k = 0; k < e->zones[i].n_trail; k++)
                if (e->zones[i].trail[k].leave_ms < next)
                    next = e->zones[i].trail[k].leave_ms;
        if (next <= now)
            next = now + 1;
        sl_clock_set_sim(&e->clock, next);
    }
    finish_all(e, end);
    return 0;
}

/* Logs how long after the process started the first frame was shown (the
 * start from /proc/self/stat, in clock ticks since boot) and the CPU time
 * all its threads took until then (on a busy machine the wall time is
 * mostly the wait for a CPU; the CPU time is what start-up costs). */
static void log_first_frame(sl_engine *e)
{
    FILE *f = fopen("/proc/self/stat", "r");
    char buf[1024];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces; fields follow it */
    unsigned long long start_ticks = 0;
    int field = 2;
    for (; p && *p && field < 22; p++)
        if (*p == ' ')
            field++;
    struct timespec now;
    long hz = sysconf(_SC_CLK_TCK);
    if (!p || sscanf(p, "%llu", &start_ticks) != 1 || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0)
        return;
    int64_t now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    int64_t start_ms = (int64_t)(start_ticks * 1000ULL / (unsigned long long)hz);
    struct rusage ru;
    long long cpu_ms = -1;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        cpu_ms = ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
                 ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
    sl_log_info(&e->log, "first frame shown %lld ms after the process started, after %lld ms of CPU",
                (long long)(now_ms - start_ms), cpu_ms);
}

/* Animation time (see run_real) against the real time, both in ns since the
 * run started: when they are more than two frames apart (refreshes missed)
 * or when forced, *anim_ns becomes the real time and true is returned: a
 * new run of refreshes starts from there. */
static bool anim_restart(sl_engine *e, int64_t real_ns, int64_t frame_ns, bool force, int64_t *anim_ns)
{
    bool near = *anim_ns >= real_ns - 2 * frame_ns && *anim_ns <= real_ns + 2 * frame_ns;
    if (near && !force)
        return false;
    if (!near && real_ns > *anim_ns)
        e->refreshes_missed += (real_ns - *anim_ns + frame_ns - 1) / frame_ns;
    *anim_ns = real_ns;
    return true;
}

/* Real clock: a frame per refresh of the display (the window) or of --fps (offscreen
 * outputs), drawn only when something changed. */
static int run_real(sl_engine *e)
{
    const sl_options *o = e->opt;
    int64_t run_ms = (int64_t)(o->run_s * 1000.0 + 0.5);
    int64_t every = (int64_t)(o->frames_every_s * 1000.0 + 0.5);
    int64_t next_capture = 0;
    bool frames = strncmp(o->output, "frames:", 7) == 0;
    bool window = strcmp(o->output, "window") == 0;
    int64_t hz = o->fps > 0 ? o->fps : 30;
    if (window) {
        SDL_DisplayMode dm;
        if (SDL_GetCurrentDisplayMode(0, &dm) == 0 && dm.refresh_rate > 0)
            hz = dm.refresh_rate;
        sl_log_info(&e->log, "window: at most %lld frames a second (the display's refresh rate)%s",
                    (long long)hz,
                    e->vo.keeps_frame ? "; no GPU: software renderer, redraws only what changes" : "");
    }
    int64_t frame_ns = 1000000000LL / hz;
    /* Animation time is refresh n of a run of refreshes: base + n/hz seconds,
     * in nanoseconds, computed from n (not summed), so a ticker moves the same
     * step every frame and a clip at the display's rate gets one frame per
     * refresh. It is pulled back to the real clock (a new run from there)
     * only when they drift apart by more than two frames (dropped frames). */
    int64_t anim_base_ns = 0, anim_n = 0, anim_ns = 0;
    int64_t start_mono = sl_mono_ns();
    sl_clock_set_origin(&e->clock, start_mono); /* player time = start_ms + anim time */
    int64_t next_time_check = 0; /* ms of anim time: look for the true time once a second */
    int64_t last_turn = 0;       /* monotonic ns at the end of the loop turn before, 0 = none yet */
    for (;;) {
        sl_watchdog_turn(&e->watchdog);
        sl_vo_events ev = {0};
        e->vo.driver->poll_events(&e->vo, &ev);
        if (ev.quit || stop_asked(e))
            break;
        if (ev.toggle_diagnostic)
            e->diagnostic = !e->diagnostic;
        anim_ns = anim_base_ns + anim_n * 1000000000LL / hz;
        if (anim_restart(e, sl_mono_ns() - start_mono, frame_ns, false, &anim_ns)) {
            anim_base_ns = anim_ns;
            anim_n = 0;
        }
        anim_n++;
        int64_t elapsed = anim_ns / 1000000;
        e->now_frac_ns = anim_ns % 1000000;
        if (run_ms > 0 && elapsed >= run_ms)
            break;
        if (elapsed >= next_time_check) {
            follow_true_time(e);
            next_time_check = elapsed + 1000;
        }
        int64_t now = e->clock.start_ms + elapsed;
        if (e->tick)
            e->tick(e, now, e->tick_ud);
        now = e->clock.start_ms + elapsed; /* a swap in the tick may have moved the time */
        sl_engine_update(e, now);
        if (e->waited_mono_ns) {
            /* The update waited for preparations and the items began when
             * the wait ended: this frame is drawn at that time, the first
             * of a new run of refreshes (when it is the first frame of
             * all, the player's time starts there: begin_waited). */
            if (e->clock.start_mono_ns != start_mono) {
                start_mono = e->clock.start_mono_ns;
                anim_ns = 0;
            }
            anim_restart(e, e->waited_mono_ns - start_mono, frame_ns, true, &anim_ns);
            e->waited_mono_ns = 0;
            anim_base_ns = anim_ns;
            anim_n = 1;
            elapsed = anim_ns / 1000000;
            e->now_frac_ns = anim_ns % 1000000;
            now = e->clock.start_ms + elapsed;
        }
        bool capture_due = frames && every > 0 && elapsed >= next_capture;
        /* Nothing changed (a poster, a static slogan): the screen keeps its picture. */
        bool needed = sl_render_needed(e);
        if (needed || capture_due || ev.capture || ev.redraw) {
            bool first_frame = e->frames_rendered == 0;
            SDL_Rect rects[SL_PLAYLIST_MAX_ZONES];
            if (ev.redraw)
                e->all_dirty = true;
            int n = sl_render_update(e, now, rects, SL_PLAYLIST_MAX_ZONES);
            if (capture_due) {
                capture(e, now, "frame", NULL);
                next_capture += every;
            }
            if (ev.capture)
                capture(e, now, "manual", NULL);
            if (n >= 0 && e->vo.driver->present_rects)
                e->vo.driver->present_rects(&e->vo, rects, n);
            else
                e->vo.driver->present(&e->vo);
            if (first_frame) {
                log_first_frame(e);
                sl_loader_drop_kept(e->loader); /* pictures not shown first are decoded when due */
                sl_watchdog_ready(&e->watchdog, &e->log);
            }
        }
        /* A freeze viewers would see: a loop turn (drawn or not) that took far
         * longer than a refresh. */
        int64_t turned = sl_mono_ns();
        if (last_turn && turned - last_turn > e->frame_gap_max_ns)
            e->frame_gap_max_ns = turned - last_turn;
        last_turn = turned;
        /* Sleep until the next refresh's animation time, whatever the output:
         * never more frames than the display's refresh rate, vsync or not
         * (late: render at once; far behind, the check above starts a new
         * run from the real time). */
        int64_t wait = start_mono + anim_base_ns + anim_n * 1000000000LL / hz - sl_mono_ns();
        if (wait > 0) {
            struct timespec ts = {(time_t)(wait / 1000000000LL), (long)(wait % 1000000000LL)};
            nanosleep(&ts, NULL);
        }
    }
    e->now_frac_ns = 0;
    finish_all(e, sl_clock_now_ms(&e->clock));
    return 0;
}

int sl_engine_run(sl_engine *e)
{
    int rc = e->clock.simulated ? run_sim(e) : run_real(e);
    sl_watchdog_stopping(&e->watchdog);
    return rc;
}
