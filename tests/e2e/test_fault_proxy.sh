#!/bin/sh
# test_fault_proxy.sh — a managed player talks to the hub through proxies that drop connections
# (before and after the request), stall, truncate and corrupt replies (issue 5, fault tests),
# while new versions are published: the player ends up on the latest one, never plays content
# that failed verification, and every play it committed is at the hub exactly once.
#
# Four proxies (tests/tools/faultproxy.c), all on loopback:
#   api    in front of the hub for everything the player asks it (manifest polls, plays,
#          heartbeats every second): each of the five faults in SL_FAULT_PCT % (default 8) of
#          the exchanges;
#   acks   in front of `api`, for /api/v1/plays only: half of the replies get some of their
#          digits changed, so that the JSON stays valid and only its numbers (acked_seq, …) lie:
#          only the reply's Content-Digest tells such a reply from a true one (the player must
#          notice and ask again; without the digest, what it knows it sent is all it has);
#   mf     in front of `acks`, for /api/v1/manifest only, corrupting every reply body: on while
#          version 2 is published, so that the player first gets version 2 damaged on the way,
#          then (once it has refused it) switched off: the player must still come to version 2;
#   media  what the player downloads media from (--media-url): the downloads meet, in turn, a
#          drop before the request, a stall, a drop after it, a pass, a truncated reply (the
#          next one resumes with Range), a corrupted one (the file fails its SHA-256), a pass.
# Versions 2, 3, … each replace the four posters (new media to fetch through `media`) until the
# media proxy has injected every kind of fault (at most version 7).
# The api, acks and mf proxies draw one fault per request/reply exchange from a generator seeded
# with SL_FAULT_SEED (default 1) and the connection's number; the script prints the seed. The
# counts of the proxies (*.stats) show what was injected: the test fails unless `api` injected
# every kind at least SL_FAULT_MIN_EACH times (default 3), `acks` lied at least 5 times, `mf`
# damaged version 2 and `media` injected every kind at least once.
#
# Oracles:
#   - content: every play (at the hub, after the drain) names, for its item, the media that the
#     signed manifest of its manifest_version gives (the manifests are read from the hub's store);
#     every file of the player's media cache hashes to its name; current.manifest at the end is
#     byte for byte the hub's latest envelope;
#   - plays: as in test_fault_kill.sh, the journal's seqs are AUTOINCREMENT and item_totals counts
#     committed plays per item in the same transaction, so after a drain the hub must hold
#     exactly seqs 1..LAST, each once, with per item the counts of item_totals.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

SEED=${SL_FAULT_SEED:-1}
PCT=${SL_FAULT_PCT:-8}
MIN_EACH=${SL_FAULT_MIN_EACH:-3}
MAXV=7
SCREEN=lobby-1
J="$T/st/journal.db"
KINDS="drop_before drop_after stall truncate corrupt"
PL=
echo "test_fault_proxy: seed $SEED, $PCT % of each fault (SL_FAULT_SEED=$SEED reproduces)" >&2
cleanup() {
    [ -n "$PL" ] && kill -9 "$PL" 2>/dev/null
    for p in $PROXIES; do kill "$p" 2>/dev/null; done
    stop_hub
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

# The sample with longer items (fewer, longer plays on the simulated clock).
sample_copy "$T/s1"
jq '.items |= map(if .duration then .duration *= 6 else . end)' "$T/s1/playlist.json" >"$T/p.json"
mv "$T/p.json" "$T/s1/playlist.json"
# make_version V — the source of version V: the sample with four posters of its own.
make_version() {
    cp -r "$T/s1" "$T/s$1"
    k=0
    for p in poster-app.png poster-elderly.jpg poster-leader.png poster-weekend.png; do
        k=$((k + 1))
        ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=1" -ss "$(($1 * 10 + k))" -frames:v 1 \
            "$T/s$1/media/$p"
    done
}

hub_keys
start_hub "$DATA"
inventory_screen
publish() { # publish V — the source of version V
    publish_sample "$T/s$1"
}
publish 1

# start_proxy NAME UPSTREAM-PORT OPTION… — a proxy, its faults off until `kill -USR1`;
# sets NAME_PID and NAME_PORT; its counts go to $T/NAME.stats.
start_proxy() {
    sp_name=$1
    sp_up=$2
    shift 2
    start_faultproxy "$sp_name" "$sp_up" --seed "$SEED" --off "$@"
}
stat_of() { # stat_of NAME KIND
    v=$(awk -v f="$2" '$1 == f { print $2 }' "$T/$1.stats")
    echo "${v:-0}"
}
all_struck() { # all_struck NAME MIN
    for f in $KINDS; do [ "$(stat_of "$1" "$f")" -ge "$2" ] || return 1; done
}
start_proxy api "$PORT" --drop-before "$PCT" --drop-after "$PCT" --stall "$PCT" --truncate "$PCT" \
    --corrupt "$PCT" --stall-ms 1500
start_proxy acks "$api_PORT" --only /api/v1/plays --corrupt 50 --digits
start_proxy mf "$acks_PORT" --only /api/v1/manifest --corrupt 100
start_proxy media "$PORT" --only /media/ --script drop_before,stall,drop_after,pass,truncate,corrupt,pass \
    --stall-ms 1500
HUBVIA="http://127.0.0.1:$mf_PORT"
MEDIAVIA="http://127.0.0.1:$media_PORT"

# Enrolment (a one-time code cannot survive a lost reply) and the first sync, faults off.
enrol_screen "$HUBVIA" "$T/st" --media-url "$MEDIAVIA" --run 3 --clock from:2026-11-25T09:00:00+08:00
if [ "$(jq -r .hub "$T/st/device.json")" != "$HUBVIA" ]; then
    fail "the first run did not enrol through the proxies and sync manifest 1"
    finish
    exit 1
fi
kill -USR1 "$api_PID" "$acks_PID" "$media_PID"


# The faulty run: simulated days from a Wednesday morning, as fast as the machine goes.
"$PLAYER" --hub "$HUBVIA" --publisher-key "$KEY" --state-dir "$T/st" --media-url "$MEDIAVIA" \
    --output null --size 160x90 --run 2592000 --poll 1 --heartbeat-interval 1 \
    --clock sim:2026-11-25T08:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
PL=$!
t0=$(date +%s)
wait_seq 50

# Version 2 arrives damaged first; once refused, the damage stops: the player must still get it.
make_version 2
kill -USR1 "$mf_PID"
publish 2
wait_log 'sync: manifest "bank-lobby-2" refused' 120 && ok || fail "the player did not refuse the damaged version 2"
kill -USR1 "$mf_PID"
wait_log "sync: switched to manifest 2" 120 && ok ||
    fail "the player did not switch to manifest 2 within 120 s after the damaged copy"
echo "version 2 after $(($(date +%s) - t0)) s" >&2
V=2
while [ "$V" -lt 3 ] || { [ "$V" -lt "$MAXV" ] && ! all_struck media 1; }; do
    V=$((V + 1))
    make_version "$V"
    publish "$V"
    wait_log "sync: switched to manifest $V" 120 && ok || { fail "the player did not switch to manifest $V within 120 s"; break; }
    echo "version $V after $(($(date +%s) - t0)) s" >&2
done
# It plays the latest version a while.
at=$(last_seq)
wait_seq $((at + 50))
# Then on, until every kind of fault struck the api proxy at least MIN_EACH times and the acks
# proxy lied 5 times (at most 60 s).
n=0
while [ "$n" -lt 1200 ] && { ! all_struck api "$MIN_EACH" || [ "$(stat_of acks corrupt)" -lt 5 ]; }; do
    kill -0 "$PL" 2>/dev/null || break
    sleep 0.1
    n=$((n + 1))
done
kill -0 "$PL" 2>/dev/null && ok || { fail "the player died during the faulty run"; tail -20 "$T/p.err" >&2; }
kill -9 "$PL" 2>/dev/null || true
wait "$PL" 2>/dev/null || true
PL=
echo "the faulty run took $(($(date +%s) - t0)) s, up to version $V; $(last_seq) plays committed" >&2
for name in api acks mf media; do
    echo "    $name proxy: $(tr '\n' ' ' <"$T/$name.stats")" >&2
done
all_struck api "$MIN_EACH" && ok || fail "the api proxy injected some kind of fault fewer than $MIN_EACH times (seed $SEED)"
all_struck media 1 && ok || fail "the media proxy did not inject every kind of fault by version $MAXV (seed $SEED)"
[ "$(stat_of mf corrupt)" -ge 1 ] && ok || fail "the manifest proxy corrupted nothing"
[ "$(stat_of acks corrupt)" -ge 5 ] && ok || fail "the acks proxy changed the numbers of only $(stat_of acks corrupt) replies"
grep -q 'uploader: .*damaged on the way (the body does not match its Content-Digest)' "$T/p.err" && ok ||
    fail "the player never noticed a play acknowledgement damaged on the way"
grep -E 'warn|error' "$T/p.err" | sed 's/[0-9a-f]\{12\}…/…/; s/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn |
    head -12 | sed 's/^/    player: /' >&2

# The drain: faults off, a real-pace run (no item ends in its first seconds) until the journal is
# empty, then killed like the others (a clean stop would journal cut-short plays).
kill -USR1 "$api_PID" "$acks_PID" "$media_PID"
"$PLAYER" --hub "$HUBVIA" --publisher-key "$KEY" --state-dir "$T/st" --media-url "$MEDIAVIA" \
    --output null --size 160x90 --run 120 --poll 1 --clock from:2026-12-01T10:00:00+08:00 >"$T/d.out" 2>"$T/d.err" &
PL=$!
n=0
while [ "$n" -lt 1200 ] && [ "$(sqlite3 "$J" 'SELECT count(*) FROM plays' 2>/dev/null || echo -1)" != 0 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -9 "$PL" 2>/dev/null || true
wait "$PL" 2>/dev/null || true
PL=
left=$(sqlite3 "$J" 'SELECT count(*) FROM plays')
[ "$left" = 0 ] && ok || { fail "$left records still in the journal after 120 s without faults"; tail -20 "$T/d.err" >&2; }
ic=$(sqlite3 "$J" 'PRAGMA integrity_check')
[ "$ic" = ok ] && ok || fail "integrity_check: $ic"
LAST=$(last_seq)

# The right content: the hub's latest version, byte for byte, and a cache of verified files only.
sqlite3 "$T/hub/hub.db" "SELECT writefile('$T/mf-' || version || '.json', envelope) FROM manifests WHERE channel = 'bank-lobby'" >/dev/null
if cmp -s "$T/st/current.manifest" "$T/mf-$V.json"; then ok; else fail "current.manifest is not the hub's version $V"; fi
for f in "$T"/st/media/*; do
    name=$(basename "$f")
    case "$name" in *.part) continue ;; esac
    [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$name" ] && ok || fail "the media cache holds $name with other bytes"
done
# version|item|sha256 for every item of every published manifest (text items have no media).
for f in "$T"/mf-*.json; do
    jq -r '.payload | fromjson | .version as $v | .items[] | "\($v)|\(.id)|\(.sha256 // "")"' "$f"
done | sort >"$T/allowed"

# Everything the hub holds for the screen.
hub_records seq item manifest_version media_sha256
# Plays of the fallback (no item of the manifest) name no media; every other names its manifest's.
awk -F'|' '{ print $3 "|" $2 "|" $4 }' "$T/hub.rec" | sort -u >"$T/played"
bad=$(comm -23 "$T/played" "$T/allowed" | grep -v '|$' || true)
[ -z "$bad" ] && ok || { fail "plays of media their signed manifest does not name (version|item|sha256):"; echo "$bad" | head -5 | sed 's/^/    | /' >&2; }
vlast=$(awk -F'|' -v v="$V" '$3 == v' "$T/hub.rec" | wc -l)
[ "$vlast" -gt 0 ] && ok || fail "no play of version $V reached the hub"

# Exactly once.
expect_exactly_once "$LAST"
echo "hub holds $hub_n records for $SCREEN, $vlast of version $V" >&2
finish
