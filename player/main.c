/* main.c — screenlit-player: reads its settings, plays, and prints the plays per item on exit. */
#include "player/engine.h"
#include "player/options.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    sl_options opt;
    sl_engine e;
    int rc = 1;
    sl_options_defaults(&opt);
    int prc = sl_options_parse_argv(&opt, argc, argv);
    if (prc != 0) {
        sl_options_free(&opt);
        return prc == 1 ? 0 : 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (sl_engine_open(&e, &opt) != 0)
        goto out;
    if (sl_engine_run(&e) != 0)
        goto out;
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
    rc = 0;
out:
    sl_engine_close(&e);
    sl_options_free(&opt);
    return rc;
}
