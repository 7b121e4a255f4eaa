#!/bin/sh
# test_cli_keygen.sh — `screenlit keygen` writes a 0600 secret key and a public key and never overwrites.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$SCREENLIT" keygen --out "$T/keys"
expect_in "$T/out" "public key"
[ -f "$T/keys/publisher.key" ] && ok || fail "publisher.key missing"
[ -f "$T/keys/publisher.pub" ] && ok || fail "publisher.pub missing"
mode=$(stat -c %a "$T/keys/publisher.key")
[ "$mode" = 600 ] && ok || fail "publisher.key has mode $mode, wanted 600"
expect_in "$T/keys/publisher.pub" "screenlit-ed25519-public-v1 "
before=$(cat "$T/keys/publisher.key")

expect_rc 1 "$SCREENLIT" keygen --out "$T/keys"
expect_in "$T/err" "exists"
after=$(cat "$T/keys/publisher.key")
[ "$before" = "$after" ] && ok || fail "an existing key was overwritten"

expect_rc 2 "$SCREENLIT" keygen
expect_rc 2 "$SCREENLIT" keygen --out
finish
