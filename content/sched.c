/* sched.c — schedule evaluation: eligibility, priorities, urgent alerts, fixed times, frequency floors, rotation. */
#include "content/sched.h"

#include "content/timeutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/*
 * Semantics (everything here is a pure function of the playlist, the screen's
 * tags, the zone, the instant and the history; no clock, no globals).
 *
 * Rules. A rule matches at UTC instant u on a screen when it targets the
 * screen's tags (sl_rule_targets) and, with L = u in the playlist's zone
 * (pl->tz), all of these hold:
 *   - urgent rules: urgent_from_ms <= u < urgent_until_ms;
 *   - hours "from-to": from <= time of day < to; when from > to the window
 *     crosses midnight (time >= from, or time < to) and the part after
 *     midnight belongs to the day the window started on: "fri 22:00-02:00"
 *     plays Friday 22:00 to Saturday 02:00, not Friday 00:00-02:00;
 *   - dates: that day (the window's start day, see above) lies in
 *     [date_from, date_to], inclusive, local calendar days;
 *   - weekdays: that day's weekday bit is set (bit 0 = Monday);
 *   - timed rules (fixed times from "at" and "every", rule->at_s): instead of
 *     the hours, the local time lies in [a, a + W) for one of its times a on
 *     some day (that day is the one dates and weekdays look at), where W is
 *     the sum of the rule's items' durations, so each item plays once from
 *     each time. Timed rules then act like urgent alerts (step 1, reason
 *     TIMED): their items pre-empt the zone at the time exactly.
 *     Queue: timed rules with the same time a on the same day, targeting the
 *     screen, whose items share a zone, play one after the other instead of
 *     all but one being lost: higher priority first, then playlist order; a
 *     rule's window starts at a + D, D = the sum of the W of the rules before
 *     it in that queue (sch_at_delay), and lasts W.
 *   Local times skipped by a DST gap never occur; a local time repeated by an
 *   overlap matches both times.
 *
 * Eligibility. An item that no rule references is always eligible with
 * priority 0. An item referenced by rules is eligible when at least one of
 * them matches; its priority is the highest among its matching non-urgent
 * rules. The fallback item (pl->fallback) is never eligible: it plays only
 * when nothing of the zone is.
 *
 * Choice at instant t in zone z (sl_sched_next), in this order:
 *   1. Urgent: when any item of z is eligible through a matching urgent rule,
 *      only such items rotate (reason URGENT), each cut at the end of its
 *      urgent window(s).
 *   2. Nothing eligible: the fallback (reason FALLBACK) until the next instant
 *      anything in z becomes eligible, at most the fallback's own duration and
 *      at least 1 s.
 *   3. Otherwise the rotation candidates are the eligible items of the
 *      highest priority, ordered by their latest play start in z in the
 *      history (never played first, ties by playlist order); p = the first.
 *      Frequency floors may override p (step 4), and a p that would overrun
 *      the next clock hour's floors is replaced (step 5).
 *   4. Floors. The local clock hour [H0, H1) contains t (with DST the hour is
 *      the maximal interval where the local hour number stays the same). An
 *      item's floor f for that hour is the highest min_per_hour among its
 *      rules that match at every instant of [H0, H1); its count c is the
 *      number of its plays in z starting in [H0, H1). With d_i the item's
 *      duration, the remaining load is R = sum over floor items of
 *      max(0, f - c) * d_i, and T = H1 - t. Each floor item still short of
 *      its floor has a pace deadline for its next play,
 *      P_i = H0 + (c_i + 1) * (H1 - H0) / f_i - d_i (so that its plays spread
 *      evenly over the hour instead of bunching at the end). p is overridden
 *      by the floor item most in need when either
 *        - R' > T - d_p, where R' = R minus d_p if p itself is short of its
 *          floor (playing p now would leave too little time for the floors:
 *          the rule that guarantees floors), or
 *        - pacing: after p, the next plays of the other short floor items,
 *          taken in order of P_i, would not all start by their P_i.
 *      "Most in need" = smallest P_i (deadline order), ties by playlist order.
 *      Floor items are chosen whatever their priority (reason FLOOR; ROTATION
 *      when it is p anyway).
 *   5. Spill. If p would run past H1 by s ms and the next clock hour's floor
 *      load (sum of f * d over [H1, H2)) exceeds (H2 - H1) - s, the first
 *      later candidate that needs no override and spills acceptably is played
 *      instead; when none does, p is cut at H1.
 *
 * Durations. An item plays its duration_ms (10 s when 0 = unknown), cut at
 * the first instant it stops being eligible (nothing plays outside its
 * window; urgent items at the end of their urgent window) and, for non-urgent
 * plays, at the first instant an urgent alert of z becomes active, so alerts
 * pre-empt on time. cut_short is set when cut. A choice that would last
 * under 1 ms is skipped for the next one (it cannot happen with the windows
 * above, which are computed to the millisecond).
 *
 * Floor guarantee. Take a zone and a clock hour [H0, H1) with floor items
 * (f_i, d_i), and let t0 >= H0 be the first instant of the hour at which the
 * zone picks (the previous play may spill in). If, from t0 to H1, every pick
 * of the zone is made by sl_sched_next with a history holding the hour's
 * plays, no urgent alert of the zone is active or starts before H1, and
 *     sum f_i * d_i <= H1 - t0,
 * then every floor item starts at least f_i plays in [H0, H1), and each of
 * those plays ends by H1. (Invariant: at every pick, R <= H1 - t.) The spill
 * rule keeps t0 - H0 <= (H1 - H0) - sum f_i * d_i when the previous hour was
 * also planned here, so in a run of hours (sl_sched_predict from an hour
 * boundary) every floor is met in every hour whose floor load fits in the
 * hour, except hours entered from a fallback play (which may overrun by up to
 * its 1-s minimum), from an overfull hour, or from a play longer than an hour
 * that started before a floorless hour (only the next hour is looked at).
 * When the load does not fit, floor items play back to back in deadline
 * order (best effort). Nothing is promised for an hour in which an urgent
 * alert of the zone is active.
 * Pacing is best effort on top: when the floor items' next plays can be
 * fitted in deadline order, the k-th play of an item with floor f starts by
 * H0 + k * (H1 - H0) / f - d (so it also ends within its k-th f-th of the hour).
 *
 * History: sl_sched_next reads the zone's plays newest first and stops once
 * it has seen every candidate's latest play and a play that started before
 * H0, so the history should be in start order (as the player and
 * sl_sched_predict push it). Its cost per call is O(rules + plays in the
 * current hour + items log items).
 */

#define SCH_DEFAULT_DURATION_MS 10000 /* for items whose duration is unknown (0) */
#define SCH_FALLBACK_MIN_MS 1000
#define SCH_NEVER INT64_MAX
#define SCH_STEP_MAX 4096 /* boundary steps per window search; each step is >= 1 ms */

static const sl_tags sch_no_tags = {NULL, 0};

/* What the caller asks of the rules in one search. */
typedef enum {
    SCH_Q_ITEM,        /* item `item` is eligible */
    SCH_Q_ITEM_URGENT, /* item `item` is eligible through an urgent rule */
    SCH_Q_ZONE_ANY,    /* some item of the zone is eligible */
    SCH_Q_ZONE_URGENT  /* some item of the zone is eligible through an urgent rule */
} sch_query;

typedef struct {
    const sl_playlist *pl;
    const sl_tags *tags; /* never NULL */
    int zone;
} sch_ctx;

/* Per-item state of one sl_sched_next call. */
typedef struct {
    bool in_zone;    /* belongs to the zone, not the fallback */
    bool referenced; /* some rule names it */
    bool eligible;
    bool urgent; /* eligible through a matching urgent or timed rule */
    bool timed;  /* eligible through a matching timed rule ("at", "every") */
    bool cand;   /* a rotation (or urgent) candidate at this instant */
    int prio;
    int floor, count; /* this clock hour */
    bool has_last;
    int64_t last; /* start of its latest play in the zone */
} sch_item;

typedef struct {
    int64_t key; /* sort key: latest play start (INT64_MIN = never) or pace deadline */
    int idx;
} sch_cand;

/* ---------- history ---------- */

int sl_history_init(sl_history *h, size_t cap)
{
    if (!h)
        return -1;
    memset(h, 0, sizeof *h);
    if (cap == 0)
        cap = SL_HISTORY_DEFAULT_CAP;
    h->v = calloc(cap, sizeof *h->v);
    if (!h->v)
        return -1;
    h->cap = cap;
    return 0;
}

void sl_history_free(sl_history *h)
{
    if (!h)
        return;
    free(h->v);
    memset(h, 0, sizeof *h);
}

/* Appends p; when full the oldest entry is overwritten. A history that
 * failed to initialise ignores pushes. */
void sl_history_push(sl_history *h, const sl_play *p)
{
    if (!h || !h->v || h->cap == 0 || !p)
        return;
    if (h->n < h->cap) {
        h->v[(h->head + h->n) % h->cap] = *p;
        h->n++;
    } else {
        h->v[h->head] = *p;
        h->head = (h->head + 1) % h->cap;
    }
}

/* NULL when i is out of range. */
const sl_play *sl_history_at(const sl_history *h, size_t i)
{
    if (!h || !h->v || i >= h->n)
        return NULL;
    return &h->v[(h->head + i) % h->cap];
}

const char *sl_pick_reason_name(sl_pick_reason r)
{
    switch (r) {
    case SL_PICK_ROTATION:
        return "rotation";
    case SL_PICK_FLOOR:
        return "floor";
    case SL_PICK_URGENT:
        return "urgent";
    case SL_PICK_FALLBACK:
        return "fallback";
    case SL_PICK_TIMED:
        return "timed";
    }
    return "unknown";
}

/* ---------- rules in time ---------- */

static int64_t sch_min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* The duration an item plays when nothing cuts it. */
static int64_t sch_full_duration(const sl_item *it)
{
    return it->duration_ms > 0 ? it->duration_ms : SCH_DEFAULT_DURATION_MS;
}

/* UTC offset in ms at u (second precision, as the zone has it). */
static int64_t sch_off(const sl_tz *tz, int64_t u)
{
    return sl_tz_to_local(tz, u) - u;
}

/* The first instant in (lo, hi] whose offset differs from the one at lo;
 * the caller knows that the offset at hi differs. */
static int64_t sch_find_change(const sl_tz *tz, int64_t lo, int64_t hi)
{
    int64_t o = sch_off(tz, lo);
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (sch_off(tz, mid) == o)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/* The local clock hour [*h0, *h1) that contains t: the interval around t in
 * which the local hour number stays the same, bounded by DST changes. */
static void sch_hour_bounds(const sl_tz *tz, int64_t t, int64_t *h0, int64_t *h1)
{
    int64_t local = sl_tz_to_local(tz, t);
    int64_t into = local - sl_floordiv(local, SL_MS_PER_HOUR) * SL_MS_PER_HOUR;
    int64_t a = t - into, b = t + (SL_MS_PER_HOUR - into);
    int64_t o = sch_off(tz, t);
    if (sch_off(tz, a) != o)
        a = sch_find_change(tz, a, t);
    if (sch_off(tz, b) != o)
        b = sch_find_change(tz, t, b);
    *h0 = a;
    *h1 = b;
}

/* Whether rule r matches at UTC u whose local time is `local` (tags aside:
 * they only place its fixed times in their queues). */
/* The length of a timed rule's window from each of its fixed times: its
 * items one after the other (at least 1 ms, at most a day). */
static int64_t sch_at_len(const sl_playlist *pl, const sl_rule *r)
{
    int64_t len = 0;
    for (size_t i = 0; i < r->n_items; i++)
        if (r->items[i] >= 0 && (size_t)r->items[i] < pl->n_items)
            len += sch_full_duration(&pl->items[r->items[i]]);
    if (len < 1)
        len = 1;
    return len < SL_MS_PER_DAY ? len : SL_MS_PER_DAY;
}

/* Whether local day `day` passes the rule's dates and weekdays. */
static bool sch_day_ok(const sl_rule *r, int64_t day)
{
    if (r->has_dates && (day < r->date_from || day > r->date_to))
        return false;
    return (r->weekdays & SL_WEEKDAYS_ALL) == SL_WEEKDAYS_ALL ||
           (r->weekdays & (1u << sl_weekday_from_days(day)));
}

/* Whether rule r has the fixed time at_s (its times are sorted). */
static bool sch_has_at(const sl_rule *r, int32_t at_s)
{
    size_t lo = 0, hi = r->n_at;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->at_s[mid] < at_s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_at && r->at_s[lo] == at_s;
}

/* Whether some item of rule a shares a zone with some item of rule b. */
static bool sch_rules_share_zone(const sl_playlist *pl, const sl_rule *a, const sl_rule *b)
{
    for (size_t i = 0; i < a->n_items; i++) {
        if (a->items[i] < 0 || (size_t)a->items[i] >= pl->n_items)
            continue;
        for (size_t j = 0; j < b->n_items; j++)
            if (b->items[j] >= 0 && (size_t)b->items[j] < pl->n_items &&
                pl->items[a->items[i]].zone == pl->items[b->items[j]].zone)
                return true;
    }
    return false;
}

/* Whether timed rule q goes before timed rule r when both have the same
 * fixed time: the higher priority first, then the one listed first. */
static bool sch_at_before(const sl_rule *q, const sl_rule *r)
{
    return q->priority > r->priority || (q->priority == r->priority && q < r);
}

/* The queue of a fixed time: how long after its time at_s on local day `day`
 * timed rule r starts on a screen with these tags. Rules with the same time
 * whose items share a zone with r's and that go before it (sch_at_before)
 * play first, one after the other, so none of them is lost. At most a day
 * less r's own length. */
static int64_t sch_at_delay(const sl_playlist *pl, const sl_tags *tags, const sl_rule *r,
                            int32_t at_s, int64_t day)
{
    int64_t d = 0;
    for (size_t k = 0; k < pl->n_rules; k++) {
        const sl_rule *q = &pl->rules[k];
        if (q == r || q->n_at == 0 || !sch_at_before(q, r) || !sl_rule_targets(q, tags) ||
            !sch_day_ok(q, day) || !sch_has_at(q, at_s) || !sch_rules_share_zone(pl, q, r))
            continue;
        d += sch_at_len(pl, q);
    }
    int64_t most = SL_MS_PER_DAY - sch_at_len(pl, r);
    return d < most ? d : most;
}

/* The longest queue any fixed time of r can wait in (sch_at_delay's bound
 * without looking at times, days or tags). */
static int64_t sch_at_delay_max(const sl_playlist *pl, const sl_rule *r)
{
    int64_t d = 0;
    for (size_t k = 0; k < pl->n_rules; k++) {
        const sl_rule *q = &pl->rules[k];
        if (q != r && q->n_at > 0 && sch_at_before(q, r) && d < SL_MS_PER_DAY)
            d += sch_at_len(pl, q);
    }
    int64_t most = SL_MS_PER_DAY - sch_at_len(pl, r);
    return d < most ? d : most;
}

/* A timed rule at local time `local`: whether it is inside the window of one
 * of its fixed times (from the time plus its queue, sch_at_delay; the window
 * may run past midnight), and that time's day. */
static bool sch_at_match(const sl_playlist *pl, const sl_tags *tags, const sl_rule *r,
                         int64_t local, int64_t *anchor)
{
    int64_t len = sch_at_len(pl, r);
    int64_t reach = sch_at_delay_max(pl, r) + len; /* no window ends later after its time */
    int64_t day = sl_floordiv(local, SL_MS_PER_DAY);
    for (int64_t k = day; k >= day - 1; k--) {
        int64_t into_k = local - k * SL_MS_PER_DAY;
        for (size_t j = 0; j < r->n_at; j++) {
            int64_t a = (int64_t)r->at_s[j] * SL_MS_PER_S;
            if (into_k < a || into_k >= a + reach)
                continue;
            int64_t s = a + sch_at_delay(pl, tags, r, r->at_s[j], k);
            if (into_k >= s && into_k < s + len) {
                *anchor = k;
                return true;
            }
        }
    }
    return false;
}

static bool sch_rule_match(const sl_playlist *pl, const sl_tags *tags, const sl_rule *r, int64_t u,
                           int64_t local)
{
    if (r->urgent && !(u >= r->urgent_from_ms && u < r->urgent_until_ms))
        return false;
    int64_t day = sl_floordiv(local, SL_MS_PER_DAY);
    int64_t tod = local - day * SL_MS_PER_DAY;
    int64_t anchor = day;
    if (r->n_at > 0) {
        if (!sch_at_match(pl, tags, r, local, &anchor))
            return false;
    } else if (r->has_hours) {
        int64_t from = (int64_t)r->hours_from_s * SL_MS_PER_S;
        int64_t to = (int64_t)r->hours_to_s * SL_MS_PER_S;
        if (from < to) {
            if (tod < from || tod >= to)
                return false;
        } else if (from > to) {
            if (tod >= from)
                anchor = day;
            else if (tod < to)
                anchor = day - 1; /* the after-midnight part of yesterday's window */
            else
                return false;
        }
        /* from == to is refused by the parser; it restricts nothing here. */
    }
    return sch_day_ok(r, anchor);
}

/* The first local time after `local` at which the rule's local conditions
 * (dates, weekdays, hours, fixed times and their queues) may change, or
 * SCH_NEVER. */
static int64_t sch_rule_local_boundary(const sl_playlist *pl, const sl_tags *tags, const sl_rule *r,
                                       int64_t local)
{
    bool all_days = (r->weekdays & SL_WEEKDAYS_ALL) == SL_WEEKDAYS_ALL;
    if (!r->has_dates && all_days && !r->has_hours && r->n_at == 0)
        return SCH_NEVER;
    int64_t day = sl_floordiv(local, SL_MS_PER_DAY);
    if (r->has_dates) {
        if (local < r->date_from * SL_MS_PER_DAY)
            return r->date_from * SL_MS_PER_DAY; /* nothing matches before that day */
        if (day > r->date_to + 1)
            return SCH_NEVER; /* nothing matches any more */
    }
    int64_t best = SCH_NEVER;
    if (r->n_at > 0) {
        /* yesterday's to tomorrow's times: a time still to come (its window
         * starts there or later), and the start and end of the window of a
         * time that has come (after its queue) */
        int64_t len = sch_at_len(pl, r);
        int64_t reach = sch_at_delay_max(pl, r) + len;
        for (int64_t k = day - 1; k <= day + 1; k++) {
            for (size_t j = 0; j < r->n_at; j++) {
                int64_t a = k * SL_MS_PER_DAY + (int64_t)r->at_s[j] * SL_MS_PER_S;
                if (a > local) {
                    best = sch_min64(best, a);
                    continue;
                }
                if (a + reach <= local)
                    continue;
                int64_t s = a + sch_at_delay(pl, tags, r, r->at_s[j], k);
                if (s > local && s < best)
                    best = s;
                if (s + len > local && s + len < best)
                    best = s + len;
            }
            if (k * SL_MS_PER_DAY > local && k * SL_MS_PER_DAY < best)
                best = k * SL_MS_PER_DAY;
        }
        return best;
    }
    for (int64_t k = day; k <= day + 1; k++) {
        int64_t cands[3] = {k * SL_MS_PER_DAY, SCH_NEVER, SCH_NEVER};
        if (r->has_hours) {
            cands[1] = k * SL_MS_PER_DAY + (int64_t)r->hours_from_s * SL_MS_PER_S;
            cands[2] = k * SL_MS_PER_DAY + (int64_t)r->hours_to_s * SL_MS_PER_S;
        }
        for (int i = 0; i < 3; i++)
            if (cands[i] > local && cands[i] < best)
                best = cands[i];
    }
    return best;
}

/* The first UTC instant after u at which rule r may start or stop matching
 * (a bound of its urgent window, a local boundary, or a DST change on the
 * way to one), or SCH_NEVER. The rule's match is constant on [u, result). */
static int64_t sch_rule_next_change(const sl_playlist *pl, const sl_tags *tags, const sl_rule *r,
                                    int64_t u)
{
    const sl_tz *tz = pl->tz;
    int64_t best = SCH_NEVER;
    if (r->urgent) {
        if (u >= r->urgent_until_ms)
            return SCH_NEVER;
        best = u < r->urgent_from_ms ? r->urgent_from_ms : r->urgent_until_ms;
    }
    int64_t local = sl_tz_to_local(tz, u);
    int64_t b = sch_rule_local_boundary(pl, tags, r, local);
    if (b != SCH_NEVER) {
        int64_t cand = u + (b - local);
        if (cand > u && sch_off(tz, cand) != sch_off(tz, u))
            cand = sch_find_change(tz, u, cand);
        if (cand > u)
            best = sch_min64(best, cand);
    }
    return best;
}

static bool sch_rule_has_item(const sl_rule *r, int item)
{
    for (size_t i = 0; i < r->n_items; i++)
        if (r->items[i] == item)
            return true;
    return false;
}

/* Whether item i is one that rotates in the context's zone. */
static bool sch_in_zone(const sch_ctx *c, int i)
{
    return i >= 0 && (size_t)i < c->pl->n_items && i != c->pl->fallback &&
           c->pl->items[i].zone == c->zone && !c->pl->items[i].left_out;
}

static bool sch_rule_has_zone_item(const sch_ctx *c, const sl_rule *r)
{
    for (size_t i = 0; i < r->n_items; i++)
        if (sch_in_zone(c, r->items[i]))
            return true;
    return false;
}

/* Whether rule r takes part in query q. */
static bool sch_rule_relevant(const sch_ctx *c, const sl_rule *r, sch_query q, int item)
{
    if ((q == SCH_Q_ITEM_URGENT || q == SCH_Q_ZONE_URGENT) && !r->urgent && r->n_at == 0)
        return false; /* timed rules pre-empt like urgent alerts */
    if (!sl_rule_targets(r, c->tags))
        return false;
    if (q == SCH_Q_ITEM || q == SCH_Q_ITEM_URGENT)
        return sch_rule_has_item(r, item);
    return sch_rule_has_zone_item(c, r);
}

/* Whether query q holds at u: some relevant rule matches. */
static bool sch_query_holds(const sch_ctx *c, sch_query q, int item, int64_t u)
{
    int64_t local = sl_tz_to_local(c->pl->tz, u);
    for (size_t k = 0; k < c->pl->n_rules; k++) {
        const sl_rule *r = &c->pl->rules[k];
        if (sch_rule_relevant(c, r, q, item) && sch_rule_match(c->pl, c->tags, r, u, local))
            return true;
    }
    return false;
}

/* The first instant in (t, horizon) at which query q becomes `want`, or
 * horizon when it does not before then. Steps from boundary to boundary of
 * the relevant rules, between which nothing can change. */
static int64_t sch_step(const sch_ctx *c, sch_query q, int item, bool want, int64_t t,
                        int64_t horizon)
{
    int64_t u = t;
    for (int iter = 0; iter < SCH_STEP_MAX; iter++) {
        int64_t nb = SCH_NEVER;
        for (size_t k = 0; k < c->pl->n_rules; k++) {
            const sl_rule *r = &c->pl->rules[k];
            if (sch_rule_relevant(c, r, q, item))
                nb = sch_min64(nb, sch_rule_next_change(c->pl, c->tags, r, u));
        }
        if (nb >= horizon)
            return horizon;
        if (sch_query_holds(c, q, item, nb) == want)
            return nb;
        u = nb;
    }
    return u > t ? u : horizon; /* not expected: give the boundary reached so far */
}

/* Whether rule r matches at every instant of [h0, h1). */
static bool sch_rule_covers(const sl_playlist *pl, const sl_tags *tags, const sl_rule *r, int64_t h0,
                            int64_t h1)
{
    const sl_tz *tz = pl->tz;
    int64_t u = h0;
    if (!sch_rule_match(pl, tags, r, u, sl_tz_to_local(tz, u)))
        return false;
    for (int iter = 0; iter < SCH_STEP_MAX; iter++) {
        int64_t nb = sch_rule_next_change(pl, tags, r, u);
        if (nb >= h1)
            return true;
        if (!sch_rule_match(pl, tags, r, nb, sl_tz_to_local(tz, nb)))
            return false;
        u = nb;
    }
    return false;
}

/* The floor of `item` for the clock hour [h0, h1). */
static int sch_item_floor(const sch_ctx *c, int item, int64_t h0, int64_t h1)
{
    int best = 0;
    for (size_t k = 0; k < c->pl->n_rules; k++) {
        const sl_rule *r = &c->pl->rules[k];
        if (r->min_per_hour > best && sl_rule_targets(r, c->tags) && sch_rule_has_item(r, item) &&
            sch_rule_covers(c->pl, c->tags, r, h0, h1))
            best = r->min_per_hour;
    }
    return best;
}

/* Fills st[].floor for the zone's items for [h0, h1); returns the floor load
 * sum f * d in ms (without counting plays). */
static int64_t sch_zone_floors(const sch_ctx *c, sch_item *st, int64_t h0, int64_t h1)
{
    const sl_playlist *pl = c->pl;
    int64_t load = 0;
    for (size_t i = 0; i < pl->n_items; i++)
        st[i].floor = 0;
    for (size_t k = 0; k < pl->n_rules; k++) {
        const sl_rule *r = &pl->rules[k];
        if (r->min_per_hour <= 0 || !sl_rule_targets(r, c->tags) || !sch_rule_has_zone_item(c, r))
            continue;
        if (!sch_rule_covers(pl, c->tags, r, h0, h1))
            continue;
        for (size_t j = 0; j < r->n_items; j++) {
            int it = r->items[j];
            if (sch_in_zone(c, it) && st[it].floor < r->min_per_hour)
                st[it].floor = r->min_per_hour;
        }
    }
    for (size_t i = 0; i < pl->n_items; i++)
        if (st[i].floor > 0)
            load += (int64_t)st[i].floor * sch_full_duration(&pl->items[i]);
    return load;
}

/* ---------- one decision ---------- */

static int sch_cand_cmp(const void *a, const void *b)
{
    const sch_cand *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Reads the zone's plays newest first: latest start per item, and counts of
 * plays starting in [h0, h1) when `counts`. Stops once every candidate's
 * latest play is known (want_last of them) and, for counts, a play before h0
 * was seen. */
static void sch_scan_history(const sl_history *h, int zone, sch_item *st, size_t n_items,
                             size_t want_last, bool counts, int64_t h0, int64_t h1)
{
    if (!h || !h->v)
        return;
    for (size_t k = h->n; k-- > 0;) {
        const sl_play *p = sl_history_at(h, k);
        if (p->zone != zone || p->item < 0 || (size_t)p->item >= n_items)
            continue;
        sch_item *s = &st[p->item];
        if (!s->has_last) {
            s->has_last = true;
            s->last = p->start_ms;
            if (s->cand && want_last > 0)
                want_last--;
        } else if (p->start_ms > s->last) {
            s->last = p->start_ms;
        }
        if (counts && p->start_ms >= h0 && p->start_ms < h1)
            s->count++;
        if (want_last == 0 && (!counts || p->start_ms < h0))
            break;
    }
}

/* Fills the per-item state at `now`. Returns the number of eligible items of
 * the zone and sets *any_urgent. */
static size_t sch_eligibility(const sch_ctx *c, int64_t now, sch_item *st, bool *any_urgent)
{
    const sl_playlist *pl = c->pl;
    int64_t local = sl_tz_to_local(pl->tz, now);
    size_t n = 0;
    *any_urgent = false;
    for (size_t i = 0; i < pl->n_items; i++) {
        st[i] = (sch_item){0};
        st[i].in_zone = sch_in_zone(c, (int)i);
        st[i].prio = INT_MIN;
    }
    for (size_t k = 0; k < pl->n_rules; k++) {
        const sl_rule *r = &pl->rules[k];
        bool relevant = false;
        for (size_t j = 0; j < r->n_items; j++) {
            int it = r->items[j];
            if (it >= 0 && (size_t)it < pl->n_items) {
                st[it].referenced = true;
                relevant = relevant || st[it].in_zone;
            }
        }
        if (!relevant || !sl_rule_targets(r, c->tags) || !sch_rule_match(pl, c->tags, r, now, local))
            continue;
        for (size_t j = 0; j < r->n_items; j++) {
            int it = r->items[j];
            if (it < 0 || (size_t)it >= pl->n_items || !st[it].in_zone)
                continue;
            st[it].eligible = true;
            if (r->urgent || r->n_at > 0) {
                st[it].urgent = true;
                st[it].timed = st[it].timed || r->n_at > 0;
                *any_urgent = true;
            } else if (r->priority > st[it].prio) {
                st[it].prio = r->priority;
            }
        }
    }
    for (size_t i = 0; i < pl->n_items; i++) {
        if (!st[i].in_zone)
            continue;
        if (!st[i].referenced) {
            st[i].eligible = true;
            st[i].prio = 0;
        }
        n += st[i].eligible;
    }
    return n;
}

/* How long `item` may play from t: its duration cut at the end of its
 * eligibility (urgent eligibility for urgent plays) and at `cut_at`. */
static int64_t sch_play_length(const sch_ctx *c, const sch_item *st, int item, bool urgent,
                               int64_t t, int64_t cut_at)
{
    int64_t full = sch_full_duration(&c->pl->items[item]);
    int64_t end = t + full;
    if (st[item].referenced)
        end = sch_step(c, urgent ? SCH_Q_ITEM_URGENT : SCH_Q_ITEM, item, false, t, end);
    end = sch_min64(end, cut_at);
    return end - t;
}

static void sch_set_pick(const sl_playlist *pl, int item, int64_t t, int64_t d,
                         sl_pick_reason why, sl_pick *out)
{
    out->item = item;
    out->start_ms = t;
    out->duration_ms = d;
    out->cut_short = d < sch_full_duration(&pl->items[item]);
    out->reason = why;
}

/* State of the floor computation for one decision. */
typedef struct {
    int64_t h0, h1;
    int64_t load;     /* R: remaining floor load in ms */
    int64_t next_load; /* floor load of the next clock hour, -1 until computed */
    int64_t next_len;  /* length of the next clock hour */
} sch_floors;

/* The floor item most in need: the first of the deadline-ordered list fl
 * that can play at least 1 ms, or -1. */
static int sch_most_in_need(const sch_ctx *c, const sch_item *st, const sch_cand *fl, size_t n_fl,
                            int64_t t, int64_t cut_at, int64_t *len)
{
    for (size_t k = 0; k < n_fl; k++) {
        int64_t d = sch_play_length(c, st, fl[k].idx, false, t, cut_at);
        if (d >= 1) {
            *len = d;
            return fl[k].idx;
        }
    }
    return -1;
}

/* Whether playing candidate `item` for d ms at t keeps this hour's floors on
 * track: the load still fits before H1, and the next play of every other
 * floor item, taken in deadline order (fl) after this one, still starts by
 * its pace deadline. */
static bool sch_floor_ok(const sch_ctx *c, const sch_item *st, const sch_cand *fl, size_t n_fl,
                         const sch_floors *f, int item, int64_t t, int64_t d)
{
    if (f->load <= 0)
        return true;
    int64_t after = f->load;
    if (st[item].floor > st[item].count)
        after -= sch_full_duration(&c->pl->items[item]);
    if (after > (f->h1 - t) - d)
        return false;
    int64_t tau = t + d;
    for (size_t k = 0; k < n_fl; k++) {
        if (fl[k].idx == item)
            continue;
        if (tau > fl[k].key)
            return false;
        tau += sch_full_duration(&c->pl->items[fl[k].idx]);
    }
    return true;
}

/* Whether a play of d ms from t leaves the next clock hour's floors
 * reachable. Computes the next hour's load on first use (st[].floor is
 * borrowed and restored). */
static bool sch_spill_ok(const sch_ctx *c, sch_item *st, sch_floors *f, int64_t t, int64_t d)
{
    int64_t spill = t + d - f->h1;
    if (spill <= 0)
        return true;
    if (f->next_load < 0) {
        const sl_playlist *pl = c->pl;
        int64_t h1b, h2;
        sch_hour_bounds(pl->tz, f->h1, &h1b, &h2);
        int *saved = NULL;
        /* Keep this hour's floors: they are still needed by the caller. */
        saved = malloc(pl->n_items * sizeof *saved);
        if (!saved)
            return true; /* out of memory: skip the refinement */
        for (size_t i = 0; i < pl->n_items; i++)
            saved[i] = st[i].floor;
        f->next_load = sch_zone_floors(c, st, h1b, h2);
        f->next_len = h2 - h1b;
        for (size_t i = 0; i < pl->n_items; i++)
            st[i].floor = saved[i];
        free(saved);
    }
    return f->next_load == 0 || f->next_load <= f->next_len - spill;
}

/* Contract: see sched.h. Returns -1 for bad arguments or when out of memory. */
int sl_sched_next(const sl_playlist *pl, const sl_tags *screen_tags, int zone, int64_t now_ms,
                  const sl_history *hist, sl_pick *out)
{
    int rc = -1;
    sch_item *st = NULL;
    sch_cand *cand = NULL;
    sch_cand *fl = NULL; /* floor items still needing plays, by pace deadline */

    if (!pl || !out || zone < 0 || (size_t)zone >= pl->n_zones || pl->n_items == 0 ||
        pl->fallback < 0 || (size_t)pl->fallback >= pl->n_items)
        goto out;
    sch_ctx c = {pl, screen_tags ? screen_tags : &sch_no_tags, zone};
    st = malloc(pl->n_items * sizeof *st);
    cand = malloc(pl->n_items * sizeof *cand);
    fl = malloc(pl->n_items * sizeof *fl);
    if (!st || !cand || !fl)
        goto out;

    bool any_urgent;
    size_t n_eligible = sch_eligibility(&c, now_ms, st, &any_urgent);

    /* Nothing eligible: the fallback until something becomes eligible. */
    if (n_eligible == 0) {
        int fb = pl->fallback;
        int64_t full = sch_full_duration(&pl->items[fb]);
        int64_t next = sch_step(&c, SCH_Q_ZONE_ANY, -1, true, now_ms, now_ms + full);
        int64_t d = next - now_ms;
        if (d < SCH_FALLBACK_MIN_MS)
            d = SCH_FALLBACK_MIN_MS;
        sch_set_pick(pl, fb, now_ms, d, SL_PICK_FALLBACK, out);
        rc = 0;
        goto out;
    }

    sch_floors f = {0, 0, 0, -1, 0};
    sch_hour_bounds(pl->tz, now_ms, &f.h0, &f.h1);
    int64_t floor_load = 0;
    if (!any_urgent)
        floor_load = sch_zone_floors(&c, st, f.h0, f.h1);

    /* Candidates: urgent items, or the top priority among eligible ones. */
    int top = INT_MIN;
    for (size_t i = 0; i < pl->n_items; i++)
        if (st[i].eligible && !any_urgent && st[i].prio > top)
            top = st[i].prio;
    size_t want_last = 0;
    for (size_t i = 0; i < pl->n_items; i++) {
        st[i].cand = any_urgent ? st[i].urgent : (st[i].eligible && st[i].prio == top);
        want_last += st[i].cand;
    }
    sch_scan_history(hist, zone, st, pl->n_items, want_last, floor_load > 0, f.h0, f.h1);

    size_t n_cand = 0;
    for (size_t i = 0; i < pl->n_items; i++)
        if (st[i].cand)
            cand[n_cand++] = (sch_cand){st[i].has_last ? st[i].last : INT64_MIN, (int)i};
    qsort(cand, n_cand, sizeof *cand, sch_cand_cmp);

    if (any_urgent) {
        for (size_t k = 0; k < n_cand; k++) {
            int64_t d = sch_play_length(&c, st, cand[k].idx, true, now_ms, SCH_NEVER);
            if (d >= 1) {
                sch_set_pick(pl, cand[k].idx, now_ms, d,
                             st[cand[k].idx].timed ? SL_PICK_TIMED : SL_PICK_URGENT, out);
                rc = 0;
                goto out;
            }
        }
        /* Unreachable: an active urgent item plays at least 1 ms. */
    }

    /* Non-urgent plays stop when an urgent alert of the zone begins. */
    int64_t longest = 0;
    for (size_t i = 0; i < pl->n_items; i++)
        if (st[i].in_zone && sch_full_duration(&pl->items[i]) > longest)
            longest = sch_full_duration(&pl->items[i]);
    int64_t urgent_at = sch_step(&c, SCH_Q_ZONE_URGENT, -1, true, now_ms, now_ms + longest);
    if (urgent_at >= now_ms + longest)
        urgent_at = SCH_NEVER;

    /* Remaining floor load, and the pace deadline of each floor item's next
     * play: the latest start that keeps its plays spread evenly over the hour. */
    f.load = 0;
    size_t n_fl = 0;
    for (size_t i = 0; i < pl->n_items; i++) {
        if (!st[i].in_zone || st[i].floor <= st[i].count)
            continue;
        int64_t d = sch_full_duration(&pl->items[i]);
        f.load += (int64_t)(st[i].floor - st[i].count) * d;
        int64_t pace = f.h0 + (int64_t)(st[i].count + 1) * (f.h1 - f.h0) / st[i].floor - d;
        fl[n_fl++] = (sch_cand){pace, (int)i};
    }
    qsort(fl, n_fl, sizeof *fl, sch_cand_cmp);

    size_t first = n_cand;
    int64_t d_first = 0;
    for (size_t k = 0; k < n_cand; k++) {
        d_first = sch_play_length(&c, st, cand[k].idx, false, now_ms, urgent_at);
        if (d_first >= 1) {
            first = k;
            break;
        }
    }
    if (first == n_cand || !sch_floor_ok(&c, st, fl, n_fl, &f, cand[first].idx, now_ms, d_first)) {
        int64_t d = 0;
        int q = sch_most_in_need(&c, st, fl, n_fl, now_ms, urgent_at, &d);
        if (q >= 0) {
            bool same = first < n_cand && q == cand[first].idx;
            sch_set_pick(pl, q, now_ms, d, same ? SL_PICK_ROTATION : SL_PICK_FLOOR, out);
            rc = 0;
            goto out;
        }
    }
    if (first == n_cand) {
        /* Unreachable: eligible items play at least 1 ms. Keep the contract anyway. */
        sch_set_pick(pl, pl->fallback, now_ms, SCH_FALLBACK_MIN_MS, SL_PICK_FALLBACK, out);
        rc = 0;
        goto out;
    }
    int pick = cand[first].idx;
    int64_t d = d_first;
    if (!sch_spill_ok(&c, st, &f, now_ms, d)) {
        bool found = false;
        for (size_t k = first + 1; k < n_cand && !found; k++) {
            int64_t dk = sch_play_length(&c, st, cand[k].idx, false, now_ms, urgent_at);
            if (dk >= 1 && sch_floor_ok(&c, st, fl, n_fl, &f, cand[k].idx, now_ms, dk) &&
                sch_spill_ok(&c, st, &f, now_ms, dk)) {
                pick = cand[k].idx;
                d = dk;
                found = true;
            }
        }
        if (!found)
            d = f.h1 - now_ms; /* cut at the hour so the next one can meet its floors */
    }
    sch_set_pick(pl, pick, now_ms, d, SL_PICK_ROTATION, out);
    rc = 0;
out:
    free(st);
    free(cand);
    free(fl);
    return rc;
}

/* Contract: see sched.h. The fallback item is never eligible. */
bool sl_sched_eligible(const sl_playlist *pl, const sl_tags *screen_tags, int item, int64_t now_ms)
{
    if (!pl || item < 0 || (size_t)item >= pl->n_items || item == pl->fallback || pl->items[item].left_out)
        return false;
    const sl_tags *tags = screen_tags ? screen_tags : &sch_no_tags;
    int64_t local = sl_tz_to_local(pl->tz, now_ms);
    bool referenced = false;
    for (size_t k = 0; k < pl->n_rules; k++) {
        const sl_rule *r = &pl->rules[k];
        if (!sch_rule_has_item(r, item))
            continue;
        referenced = true;
        if (sl_rule_targets(r, tags) && sch_rule_match(pl, tags, r, now_ms, local))
            return true;
    }
    return !referenced;
}

/* Contract: see sched.h. */
int sl_sched_floor(const sl_playlist *pl, const sl_tags *screen_tags, int item, int64_t now_ms)
{
    if (!pl || item < 0 || (size_t)item >= pl->n_items || item == pl->fallback)
        return 0;
    sch_ctx c = {pl, screen_tags ? screen_tags : &sch_no_tags, pl->items[item].zone};
    int64_t h0, h1;
    sch_hour_bounds(pl->tz, now_ms, &h0, &h1);
    return sch_item_floor(&c, item, h0, h1);
}

/* Contract: see sched.h. Each zone gets its own history, filled as the
 * prediction goes, exactly as a player started at from_ms would fill it. */
int sl_sched_predict(const sl_playlist *pl, const sl_tags *screen_tags, int64_t from_ms,
                     int64_t to_ms, sl_play **out, size_t *n_out)
{
    return sl_sched_predict_timed(pl, screen_tags, from_ms, to_ms, NULL, out, n_out);
}

/* Times one pick at t: its play (record) and how long it holds the zone.
 * Returns false when it starts too late to be seen before to_ms. */
static bool predict_place(const sl_sched_timing *tm, const sl_pick *pk, int zone,
                          int64_t t, int64_t to_ms, sl_play *p, int64_t *hold, bool *overlaps)
{
    *p = (sl_play){pk->item, zone, t, pk->duration_ms};
    *overlaps = false;
    if (tm && tm->place && tm->place(tm->ud, pk, zone, p, hold, overlaps)) {
        if (p->start_ms < t)
            p->start_ms = t;
        if (*hold < 1)
            *hold = 1;
    } else {
        *hold = p->duration_ms;
    }
    if (*hold < 1)
        *hold = 1;
    if (p->duration_ms < 1)
        p->duration_ms = 1;
    if (p->start_ms >= to_ms)
        return false;
    if (p->duration_ms > to_ms - p->start_ms)
        p->duration_ms = to_ms - p->start_ms;
    return true;
}

int sl_sched_predict_timed(const sl_playlist *pl, const sl_tags *screen_tags, int64_t from_ms, int64_t to_ms,
                           const sl_sched_timing *timing, sl_play **out, size_t *n_out)
{
    int rc = -1;
    sl_history h = {0};
    sl_play *v = NULL;
    size_t n = 0, cap = 0;

    if (!out || !n_out)
        return -1;
    *out = NULL;
    *n_out = 0;
    if (!pl)
        goto out;
    if (sl_history_init(&h, 0) != 0)
        goto out;
    for (size_t z = 0; z < pl->n_zones; z++) {
        h.n = 0;
        h.head = 0;
        size_t shown_from = n; /* the plays that may still be on screen */
        int64_t t = from_ms;
        while (t < to_ms) {
            sl_pick pk;
            if (sl_sched_next(pl, screen_tags, (int)z, t, &h, &pk) != 0)
                goto out;
            sl_play p;
            int64_t hold;
            bool overlaps;
            if (!predict_place(timing, &pk, (int)z, t, to_ms, &p, &hold, &overlaps))
                break;
            sl_play hp = {pk.item, (int)z, p.start_ms, hold < to_ms - p.start_ms ? hold : to_ms - p.start_ms};
            sl_history_push(&h, &hp);
            t = p.start_ms + hold;
            /* What takes the zone ends whatever is still on screen there. */
            for (size_t k = shown_from; !overlaps && k < n; k++)
                if (v[k].start_ms + v[k].duration_ms > p.start_ms)
                    v[k].duration_ms = p.start_ms - v[k].start_ms;
            if (!overlaps)
                shown_from = n;
            if (pl->zones[z].sound && pk.item == pl->fallback)
                continue; /* a sound zone's silence between announcements is no play */
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                sl_play *nv = realloc(v, ncap * sizeof *nv);
                if (!nv)
                    goto out;
                v = nv;
                cap = ncap;
            }
            v[n++] = p;
        }
    }
    *out = v;
    *n_out = n;
    v = NULL;
    rc = 0;
out:
    free(v);
    sl_history_free(&h);
    return rc;
}
