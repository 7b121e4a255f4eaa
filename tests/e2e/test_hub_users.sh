#!/bin/sh
# test_hub_users.sh — screenlit-hub user add|list|passwd|disable|enable|remove: usage errors, passwords from standard input and from a terminal (asked twice without echo), only Argon2id hashes stored.
. "$(dirname "$0")/lib.sh"
need sqlite3

# The command line.
expect_rc 0 "$HUB" user --help
expect_in "$T/out" "SYNOPSIS"
expect_in "$T/out" "EXIT STATUS"
expect_in "$T/out" "--role ROLE"
expect_rc 0 "$HUB" --help
expect_in "$T/out" "user"
expect_rc 2 "$HUB" user
expect_in "$T/err" "say add, list"
expect_rc 2 "$HUB" user frob ops --data "$DATA"
expect_in "$T/err" "unknown action 'frob'"
expect_rc 2 "$HUB" user add --role admin --data "$DATA"
expect_in "$T/err" "needs the person's NAME"
expect_rc 2 "$HUB" user add ops --data "$DATA"
expect_in "$T/err" "--role"
expect_rc 2 "$HUB" user add ops --role root --data "$DATA"
expect_in "$T/err" "admin, publisher or auditor"
expect_rc 2 "$HUB" user add ../ops --role admin --data "$DATA"
expect_in "$T/err" "not a name"
expect_rc 2 "$HUB" user add ops --role admin
expect_in "$T/err" "--data DIR"
expect_rc 2 "$HUB" user list --role admin --data "$DATA"
expect_rc 2 "$HUB" user add ops extra --role admin --data "$DATA"
expect_rc 2 "$HUB" user passwd ops --data "$DATA" --db mysql://x

# Passwords from standard input: one line; too short, too long, none.
printf 'short\n' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' <'$T/pw'"
expect_in "$T/err" "too short"
awk 'BEGIN { for (i = 0; i < 1100; i++) printf "x"; print "" }' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' <'$T/pw'"
expect_in "$T/err" "longer than 1024"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' </dev/null"
expect_in "$T/err" "no password on standard input"
printf 'abc\001defghij\n' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role admin --data '$DATA' <'$T/pw'"
expect_in "$T/err" "control characters"

new_user admin ops 'Secret pass 1'
expect_in "$T/err" "ops (admin) added"
new_user auditor wang.li '审计员的密码 2026'
printf 'another password\r\n' >"$T/pw" # a CRLF line end is not part of it
expect_rc 0 sh -c "'$HUB' user add pub-1 --role publisher --data '$DATA' <'$T/pw'"
printf 'whatever pw 9\n' >"$T/pw"
expect_rc 1 sh -c "'$HUB' user add ops --role auditor --data '$DATA' <'$T/pw'"
expect_in "$T/err" "a person named ops exists"

expect_rc 0 "$HUB" user list --data "$DATA"
expect_in "$T/out" "NAME"
expect_in "$T/out" "ops "
expect_in "$T/out" "wang.li"
expect_in "$T/out" "pub-1"
expect_in "$T/out" "publisher"
expect_not_in "$T/out" "argon2"

# The store holds Argon2id hashes (mode 0600 database), never a password.
n=$(sqlite3 "$DATA/hub.db" "SELECT count(*) FROM users WHERE pwhash LIKE '\$argon2id\$v=19\$m=32768,t=3,p=1\$%'")
[ "$n" = 3 ] && ok || fail "expected 3 Argon2id hashes, found $n"
if grep -qa "Secret pass 1" "$DATA/hub.db" "$DATA"/hub.db-wal 2>/dev/null; then fail "a password is stored in clear"; else ok; fi
role=$(sqlite3 "$DATA/hub.db" "SELECT role FROM users WHERE name = 'pub-1'")
[ "$role" = publisher ] && ok || fail "pub-1 has role '$role'"

# passwd, disable, enable, remove.
before=$(sqlite3 "$DATA/hub.db" "SELECT pwhash FROM users WHERE name = 'ops'")
printf 'a new password\n' >"$T/pw"
expect_rc 0 sh -c "'$HUB' user passwd ops --data '$DATA' <'$T/pw'"
expect_in "$T/err" "sessions ended"
after=$(sqlite3 "$DATA/hub.db" "SELECT pwhash FROM users WHERE name = 'ops'")
[ "$before" != "$after" ] && ok || fail "user passwd did not change the hash"
expect_rc 1 sh -c "'$HUB' user passwd nobody --data '$DATA' <'$T/pw'"
expect_in "$T/err" "nobody is named nobody"
expect_rc 0 "$HUB" user disable wang.li --data "$DATA"
expect_rc 0 "$HUB" user list --data "$DATA"
expect_in "$T/out" "disabled"
expect_rc 0 "$HUB" user enable wang.li --data "$DATA"
expect_rc 0 "$HUB" user list --data "$DATA"
expect_not_in "$T/out" "disabled"
expect_rc 1 "$HUB" user disable nobody --data "$DATA"
expect_rc 0 "$HUB" user remove pub-1 --data "$DATA"
expect_rc 1 "$HUB" user remove pub-1 --data "$DATA"
expect_in "$T/err" "nobody is named pub-1"
expect_rc 0 "$HUB" user list --data "$DATA"
expect_not_in "$T/out" "pub-1"

# From a terminal (tests/tools/ptyrun gives the command one and types each answer once its prompt
# shows): asked twice, without echo; two different answers change nothing.
PTYRUN="$SL_BUILD_DIR/tests/ptyrun"
expect_rc 0 "$PTYRUN" "New password for tty-user:" 'terminal pass 1' "The same again:" 'terminal pass 1' -- \
    "$HUB" user add tty-user --role auditor --data "$DATA"
expect_in "$T/out" "New password for tty-user:"
expect_not_in "$T/out" "terminal pass 1"
expect_rc 1 "$PTYRUN" "New password for tty-two:" 'terminal pass 1' "The same again:" 'terminal pass 2' -- \
    "$HUB" user add tty-two --role auditor --data "$DATA"
expect_in "$T/out" "differ"
expect_not_in "$T/out" "terminal pass"
expect_rc 0 "$HUB" user list --data "$DATA"
expect_in "$T/out" "tty-user"
expect_not_in "$T/out" "tty-two"
# The same on a terminal: passwd.
expect_rc 0 "$PTYRUN" "New password for tty-user:" 'terminal pass 3' "The same again:" 'terminal pass 3' -- \
    "$HUB" user passwd tty-user --data "$DATA"
expect_not_in "$T/out" "terminal pass 3"

finish
