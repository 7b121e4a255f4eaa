#!/bin/sh
# test_fault_manifest.sh — what the hub serves goes bad while a managed player plays good content
# (issue 5, fault tests): a manifest signed by a key the screen does not pin, a tampered manifest,
# a manifest naming a file bigger than the screen's disk limit, media whose bytes were swapped at
# the hub. Each is refused with its reason in the player's log and the old content keeps playing;
# when the hub serves the right bytes again the player takes the last version.
#
# How the bad manifests get to the hub:
#   - unknown key: published normally with `screenlit publish --key` of a second key pair that
#     the hub holds (`screenlit-hub key add`) but the player does not pin (--publisher-key);
#   - tampered and huge: the hub refuses both at publish time (bad signature; media not in its
#     store), so they are written into its store directly, as a compromised or broken hub would
#     serve them: a row of the SQLite store's `manifests` table (sqlite3 on DATA/hub.db, which
#     the running hub reads at each poll). The huge one is a well-signed payload made by hand
#     (tests/tools/mfsign.c signs it) naming a 1 TiB file; the tampered one is a well-signed
#     envelope with one byte of its payload changed afterwards;
#   - swapped media: the file is uploaded, then its bytes in DATA/media/<sha256> are replaced
#     by others of the same size, then the manifest naming it is published (the hub believes it
#     holds the file), as a corrupted disk or a CDN serving the wrong object would do.
# One player process runs on the simulated clock through all of it. The oracle of "the old
# content keeps playing" is the play records: every play the player committed between a refusal
# and the next change is of version 1, its items and its media (checked at the hub, by seq).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

SCREEN=lobby-1
J="$T/st/journal.db"
MFSIGN="$SL_BUILD_DIR/tests/mfsign"
PL=
trap '[ -n "$PL" ] && kill -9 "$PL" 2>/dev/null; stop_hub; rm -rf "$T"' EXIT INT TERM

sample_copy "$T/s1"
jq '.items |= map(if .duration then .duration *= 6 else . end)' "$T/s1/playlist.json" >"$T/p.json"
mv "$T/p.json" "$T/s1/playlist.json"
hub_keys
"$SCREENLIT" keygen --out "$T/other" >/dev/null
"$HUB" key add --data "$DATA" --name other "$T/other/publisher.pub" >/dev/null
start_hub "$DATA"
inventory_screen
publish_sample "$T/s1"
LIMIT=100000000 # the player's --disk-limit: 100 MB

# hub_sql SQL — runs SQL on the hub's store while the hub runs.
hub_sql() {
    sqlite3 -cmd '.timeout 5000' "$T/hub/hub.db" "$1"
}
hub_sql "SELECT writefile('$T/mf-1.json', envelope) FROM manifests WHERE version = 1" >/dev/null
# version|item|sha256 of every item of version 1: what may play until the last step.
jq -r '.payload | fromjson | .items[] | "1|\(.id)|\(.sha256 // "")"' "$T/mf-1.json" | sort >"$T/v1.allowed"

# Enrol and sync version 1 on a real-pace clock.
enrol_screen "$URL" "$T/st" --run 3 --clock from:2026-11-25T09:00:00+08:00
if ! cmp -s "$T/st/current.manifest" "$T/mf-1.json"; then
    fail "the first run did not sync version 1"
    finish
    exit 1
fi

# still_old LABEL — after a refusal: 30 more plays are committed, and the files in force are
# version 1's. The seq range is kept in $T/ranges for the check at the hub at the end.
still_old() {
    from=$(last_seq)
    wait_seq $((from + 30))
    to=$(last_seq)
    [ "$to" -ge $((from + 30)) ] && ok || fail "$1: the player committed only $((to - from)) plays in 120 s"
    echo "$1|$((from + 1))|$to" >>"$T/ranges"
    cmp -s "$T/st/current.manifest" "$T/mf-1.json" && ok || fail "$1: current.manifest changed"
}
: >"$T/ranges"

# One run through everything, on the simulated clock from a Wednesday morning.
"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 \
    --run 2592000 --poll 1 --disk-limit "$LIMIT" --clock sim:2026-11-25T08:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
PL=$!
still_old "before anything"

# 1. Version 2, signed by a key the hub holds and the player does not pin.
expect_rc 0 "$SCREENLIT" publish "$T/s1/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$T/other/publisher.key"
wait_log 'manifest "bank-lobby-2" refused: signed by a key that is not pinned' 120 && ok ||
    fail "the manifest of an unknown key was not refused with its reason"
still_old "unknown key"

# 2. Version 3 tampered: well signed, then one byte of its payload changed ("poster-app" -> "poster-apq").
jq -r .payload "$T/mf-1.json" | jq -c '.version = 3' >"$T/p3.json"
"$MFSIGN" "$T/p3.json" "$T/keys/publisher.key" >"$T/good3.json"
sed 's/poster-app/poster-apq/' "$T/good3.json" >"$T/bad3.json"
[ "$(cmp -l "$T/good3.json" "$T/bad3.json" | wc -l)" = 1 ] && ok || fail "the tampered manifest differs by more than one byte"
hub_sql "INSERT INTO manifests(channel, version, envelope, published) VALUES('bank-lobby', 3, readfile('$T/bad3.json'), 0)"
wait_log 'manifest "bank-lobby-3" refused: signature does not match' 120 && ok ||
    fail "the tampered manifest was not refused with its reason"
still_old "tampered"

# 3. Version 4 names a 1 TiB file (well signed with the pinned key).
HUGE=$(printf '5f1a%058daa' 0)
jq -r .payload "$T/mf-1.json" | jq -c --arg h "$HUGE" '.version = 4 | .items |= map(if .id == "poster-weekend" then
    .sha256 = $h | .size = 1099511627776 else . end)' >"$T/p4.json"
"$MFSIGN" "$T/p4.json" "$T/keys/publisher.key" >"$T/huge4.json"
hub_sql "INSERT INTO manifests(channel, version, envelope, published) VALUES('bank-lobby', 4, readfile('$T/huge4.json'), 0)"
wait_log "manifest 4 refused: does not fit" 120 && ok || fail "the manifest naming a 1 TiB file was not refused with its reason"
expect_in "$T/p.err" "the limit is $LIMIT"
still_old "huge file"
ls "$T/st/media" | grep -q "$HUGE" && fail "the player began to fetch the 1 TiB file" || ok

# 4. Version 5 with a new poster whose bytes at the hub are swapped for others of the same size.
cp -r "$T/s1" "$T/s5"
ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720" -frames:v 1 "$T/s5/media/poster-weekend.png"
SHA5=$(sha256sum "$T/s5/media/poster-weekend.png" | cut -d' ' -f1)
SIZE5=$(stat -c %s "$T/s5/media/poster-weekend.png")
curl -sf -X PUT -H "Authorization: Bearer $PUB" -H 'Content-Type: application/octet-stream' \
    --data-binary @"$T/s5/media/poster-weekend.png" "$URL/api/v1/media/$SHA5" >/dev/null && ok || fail "uploading the new poster failed"
cp "$T/hub/media/$SHA5" "$T/good5"
head -c "$SIZE5" /dev/urandom >"$T/hub/media/$SHA5"
expect_rc 0 "$SCREENLIT" publish "$T/s5/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$T/keys/publisher.key"
wait_log "of manifest 5 refused: the bytes served do not match its SHA-256" 120 && ok ||
    fail "the swapped media were not refused with their reason"
still_old "swapped media"
[ -e "$T/st/media/$SHA5" ] && fail "the swapped bytes were put in the media cache" || ok

# 5. The right bytes come back: the player takes version 5 (so it was polling all along).
cp "$T/good5" "$T/hub/media/$SHA5"
wait_log "switching to bank-lobby version 5" 120 && ok || fail "the player did not take version 5 once its media were right"
from5=$(last_seq)
wait_seq $((from5 + 30))
to5=$(last_seq)
kill -0 "$PL" 2>/dev/null && ok || { fail "the player died"; tail -20 "$T/p.err" >&2; }
[ "$(sha256sum "$T/st/media/$SHA5" | cut -d' ' -f1)" = "$SHA5" ] && ok || fail "the new poster is not in the cache as it should be"

# Every play of the ranges above at the hub (the player uploads as it goes; it is stopped once
# the hub holds them all).
n=0
while [ "$n" -lt 1200 ]; do
    acked=$(curl -sf -H "Authorization: Bearer $ADMIN" "$URL/api/v1/screens" | jq --arg s "$SCREEN" '.screens[] | select(.id == $s) | .acked_seq')
    [ "${acked:-0}" -ge "$to5" ] && break
    sleep 0.1
    n=$((n + 1))
done
kill -9 "$PL" 2>/dev/null || true
wait "$PL" 2>/dev/null || true
PL=
hub_records seq manifest_version item media_sha256
while IFS='|' read -r label from to; do
    awk -F'|' -v a="$from" -v b="$to" '$1 >= a && $1 <= b { print $2 "|" $3 "|" $4 }' "$T/hub.rec" | sort -u >"$T/played"
    got=$(awk -F'|' -v a="$from" -v b="$to" '$1 >= a && $1 <= b' "$T/hub.rec" | wc -l)
    [ "$got" -eq $((to - from + 1)) ] && ok || fail "$label: the hub holds $got of the plays $from..$to"
    bad=$(comm -23 "$T/played" "$T/v1.allowed" | grep -v '^1|[^|]*|$' || true)
    [ -z "$bad" ] && ok || { fail "$label: plays $from..$to are not all version 1's (version|item|sha256):"; echo "$bad" | head -5 | sed 's/^/    | /' >&2; }
done <"$T/ranges"
# After the switch: version 5 plays (a play under way at the switch may still be of version 1).
hub_sql "SELECT writefile('$T/mf-5.json', envelope) FROM manifests WHERE version = 5" >/dev/null
jq -r '.payload | fromjson | .items[] | "5|\(.id)|\(.sha256 // "")"' "$T/mf-5.json" | sort -o "$T/v15.allowed" - "$T/v1.allowed"
awk -F'|' -v a="$from5" -v b="$to5" '$1 > a && $1 <= b { print $2 "|" $3 "|" $4 }' "$T/hub.rec" | sort -u >"$T/played"
bad=$(comm -23 "$T/played" "$T/v15.allowed" | grep -v '^[15]|[^|]*|$' || true)
[ -z "$bad" ] && ok || { fail "after the switch, plays that neither version names:"; echo "$bad" | head -5 | sed 's/^/    | /' >&2; }
v5=$(awk -F'|' -v a="$from5" -v b="$to5" '$1 > a && $1 <= b && $2 == 5' "$T/hub.rec" | wc -l)
[ "$v5" -gt 0 ] && ok || fail "no play of version 5 after the switch"
echo "ranges checked: $(tr '\n' ' ' <"$T/ranges")" >&2
finish
