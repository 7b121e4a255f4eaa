#!/bin/sh
# test_player_sim.sh — a simulated hour of the sample: no black frame at any switch, the journal equals the preview, runs are deterministic.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
P="$T/s/playlist.json"
FROM=2026-11-25T08:30:00+08:00
TO=2026-11-25T09:30:00+08:00

run_player() { # OUTDIR JOURNAL
    "$PLAYER" --playlist "$P" --output "frames:$1" --size 960x540 --clock "sim:$FROM" --run 3600 \
        --frames-at-switch --frames-every 600 --journal "$2" --screen-id test-screen --state-dir "$T/state"
}

expect_rc 0 run_player "$T/f1" "$T/j1.db"
cp "$T/out" "$T/summary1.txt"
expect_in "$T/summary1.txt" "frames with a black zone 0"
expect_in "$T/summary1.txt" "journal errors 0"

# Every item start wrote a frame; none of them shows a dark zone.
n_switch=$(ls "$T/f1" | grep -c '^switch-')
[ "$n_switch" -gt 400 ] && ok || fail "only $n_switch switch frames"
dark_main=0
dark_ticker=0
for f in "$T"/f1/switch-*; do
    # main zone: 960x475 at the top; ticker: 960x65 at the bottom.
    m=$("$IMGCHECK" dark "$f" 0,0,960,475)
    k=$("$IMGCHECK" dark "$f" 0,476,960,64)
    awk -v m="$m" 'BEGIN { exit !(m > 0.5) }' && dark_main=$((dark_main + 1))
    awk -v k="$k" 'BEGIN { exit !(k > 0.5) }' && dark_ticker=$((dark_ticker + 1))
done
[ "$dark_main" = 0 ] && ok || fail "$dark_main switch frames with a dark main zone"
[ "$dark_ticker" = 0 ] && ok || fail "$dark_ticker switch frames with a dark ticker"

# The journal holds, item by item, exactly what the preview predicts for the hour on a
# screen of the same size (a ticker's slogans make whole passes, whose length depends on
# the pixels of their words: test_cli_preview_ticker checks the strip play by play).
"$SCREENLIT" preview "$P" --from "$FROM" --to "$TO" --screen 960x540 --json >"$T/preview.json"
jq -r '[.plays[] | select(.zone == "main")] | group_by(.item)[] | "\(.[0].item) \(length) \(map(.duration_ms) | add)"' "$T/preview.json" | sort >"$T/predicted.txt"
sqlite3 "$T/j1.db" "SELECT item, COUNT(*), SUM(duration_ms) FROM plays WHERE zone = 'main' GROUP BY item ORDER BY item" | tr '|' ' ' | sort >"$T/journal.txt"
if cmp -s "$T/predicted.txt" "$T/journal.txt"; then ok; else
    fail "journal and preview differ"
    diff "$T/predicted.txt" "$T/journal.txt" | head -20 >&2
fi
# And play by play: same items at the same instants.
jq -r '.plays[] | select(.zone == "main") | "\(.zone) \(.start_ms) \(.item) \(.duration_ms)"' "$T/preview.json" | sort >"$T/predicted-plays.txt"
sqlite3 "$T/j1.db" "SELECT zone, start_ms, item, duration_ms FROM plays WHERE zone = 'main'" | tr '|' ' ' | sort >"$T/journal-plays.txt"
cmp -s "$T/predicted-plays.txt" "$T/journal-plays.txt" && ok || fail "journal plays differ from the preview's timeline"
jq -r '.plays[] | select(.zone == "ticker") | "\(.zone) \(.start_ms) \(.item) \(.duration_ms)"' "$T/preview.json" | sort >"$T/predicted-slogans.txt"
sqlite3 "$T/j1.db" "SELECT zone, start_ms, item, duration_ms FROM plays WHERE zone = 'ticker'" | tr '|' ' ' | sort >"$T/journal-slogans.txt"
[ -s "$T/journal-slogans.txt" ] && cmp -s "$T/predicted-slogans.txt" "$T/journal-slogans.txt" && ok ||
    fail "the ticker's journal differs from the preview's"
# Records carry the screen, the simulated-clock trust and sequence numbers 1..N.
bad=$(sqlite3 "$T/j1.db" "SELECT COUNT(*) FROM plays WHERE screen <> 'test-screen'")
[ "$bad" = 0 ] && ok || fail "$bad records name another screen"
gaps=$(sqlite3 "$T/j1.db" "SELECT MAX(seq) - COUNT(*) FROM plays")
[ "$gaps" = 0 ] && ok || fail "sequence numbers have gaps"

# Deterministic: the same inputs give the same frames byte for byte and the same records.
expect_rc 0 run_player "$T/f2" "$T/j2.db"
if diff -r "$T/f1" "$T/f2" >/dev/null; then ok; else fail "frames differ between two identical runs"; fi
for j in 1 2; do
    sqlite3 "$T/j$j.db" "SELECT zone, start_ms, item, duration_ms, outcome FROM plays" | tr '|' ' ' | sort >"$T/all$j-plays.txt"
done
[ -s "$T/all1-plays.txt" ] && cmp -s "$T/all1-plays.txt" "$T/all2-plays.txt" && ok ||
    fail "records differ between two identical runs"

finish
