#!/bin/sh
# test_console_admin.sh — the console's admin pages over HTTP against a real hub: a token made on the People page is shown once and works against the API until revoked there; an inventory CSV with bad lines uploaded as a browser does lists each line and changes nothing; the download is a CSV attachment; only admins reach these pages, and a POST without the CSRF token is refused.
. "$(dirname "$0")/lib.sh"
need curl

new_user admin ops 'ops password 1'
new_user publisher pub 'pub password 1'
start_hub "$DATA"
JAR="$T/ops.jar"

# upload FILE — POSTs FILE to the inventory page as a browser's multipart form does; prints the status.
upload() {
    up_csrf=$(console_csrf)
    curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$JAR" -c "$JAR" -F "csrf=$up_csrf" \
        -F "csv=@$1;type=text/csv" "$URL/console/inventory"
}

# Log in; the People page with its forms.
got=$(console_login "$JAR" ops 'ops password 1')
[ "$got" = 303 ] && ok || fail "login gave $got"
got=$(console_get "$JAR" /console/people)
[ "$got" = 200 ] && ok || fail "GET people gave $got"
expect_in "$T/body" 'action="/console/people/tokens/add"'
valid_html

# A token: shown once, with the warning; it works against the API.
got=$(console_post "$JAR" /console/people/tokens/add --data-urlencode "name=ci-reader" \
    --data-urlencode "role=auditor" --data-urlencode "channels=")
[ "$got" = 200 ] && ok || fail "creating a token gave $got"
expect_in "$T/body" 'id="once"'
valid_html
TOKEN=$(sed -n 's/.*<code id="token" class="big">\([0-9a-f]\{64\}\)<\/code>.*/\1/p' "$T/body")
[ ${#TOKEN} -eq 64 ] && ok || fail "no token on the result page"
expect_call 200 GET /api/v1/screens "$TOKEN"
console_get "$JAR" /console/people >/dev/null
expect_in "$T/body" "<tr><td>ci-reader</td>"
valid_html
expect_not_in "$T/body" "$TOKEN"
# Revoked on the page: the API refuses it.
got=$(console_post "$JAR" /console/people/tokens/revoke --data-urlencode "name=ci-reader")
[ "$got" = 303 ] && ok || fail "revoking gave $got"
expect_in "$T/headers" "/console/people?done=revoked&name=ci-reader"
expect_call 401 GET /api/v1/screens "$TOKEN"

# A person added on the page logs in.
console_get "$JAR" /console/people >/dev/null
got=$(console_post "$JAR" /console/people/add --data-urlencode "name=wang.li" --data-urlencode "role=auditor" \
    --data-urlencode "password=wang password 1" --data-urlencode "password2=wang password 1")
[ "$got" = 303 ] && ok || fail "adding a person gave $got"
got=$(console_login "$T/wang.jar" wang.li 'wang password 1')
[ "$got" = 303 ] && ok || fail "the new person's login gave $got"

# The inventory: a good upload, then one with bad lines that changes nothing.
printf 'id,name,channel,hours,timezone\ns1,<script>alert(1)</script>,bank,daily 00:00-24:00,+08:00\n' >"$T/good.csv"
console_get "$JAR" /console/inventory >/dev/null
got=$(upload "$T/good.csv")
[ "$got" = 303 ] && ok || fail "a good upload gave $got"
cat >"$T/bad.csv" <<'CSV'
id,name,channel,hours,timezone
s1,Renamed,bank,daily 00:00-24:00,+08:00
-x,X,bank,daily 00:00-24:00,+08:00
s2,Y,bank,someday 09:00-10:00,+08:00
s3,Z,bank,daily 00:00-24:00,Mars/Olympus
CSV
console_get "$JAR" /console/inventory >/dev/null
got=$(upload "$T/bad.csv")
[ "$got" = 400 ] && ok || fail "a bad upload gave $got"
expect_in "$T/body" '<tr id="line-3">'
expect_in "$T/body" '<tr id="line-4">'
expect_in "$T/body" '<tr id="line-5">'
expect_not_in "$T/body" '<tr id="line-2">'
valid_html
got=$(console_get "$JAR" /console/inventory/download)
[ "$got" = 200 ] && ok || fail "the download gave $got"
expect_in "$T/headers" "text/csv"
expect_in "$T/headers" 'filename="inventory.csv"'
expect_in "$T/body" "s1,<script>alert(1)</script>,"
expect_not_in "$T/body" "Renamed"
console_get "$JAR" /console/inventory >/dev/null
expect_in "$T/body" "&lt;script&gt;alert(1)&lt;/script&gt;"
expect_not_in "$T/body" "<script>alert"
valid_html

# One row edited: a bad value shows its error at the field; a good one is saved.
console_get "$JAR" /console/inventory/s1 >/dev/null
valid_html
got=$(console_post "$JAR" /console/inventory/s1 --data-urlencode "name=Lobby" --data-urlencode "channel=bank" \
    --data-urlencode "hours=daily 00:00-24:00" --data-urlencode "timezone=Mars/Olympus")
[ "$got" = 400 ] && ok || fail "a bad row gave $got"
expect_in "$T/body" 'id="error-timezone"'
valid_html
got=$(console_post "$JAR" /console/inventory/s1 --data-urlencode "name=Lobby" --data-urlencode "channel=bank" \
    --data-urlencode "hours=daily 00:00-24:00" --data-urlencode "timezone=+08:00")
[ "$got" = 303 ] && ok || fail "a good row gave $got"
expect_call 200 GET /api/v1/inventory "$(new_token admin)"
expect_in "$T/body" "s1,Lobby,"

# A POST without the CSRF token is refused before anything happens.
got=$(curl -s -o "$T/body" -w '%{http_code}' -b "$JAR" --data-urlencode "name=x" "$URL/console/people/tokens/add")
[ "$got" = 403 ] && ok || fail "a POST without CSRF gave $got"

# A publisher sees channels but not the admin pages, nor may post to them.
console_login "$T/pub.jar" pub 'pub password 1' >/dev/null
got=$(console_get "$T/pub.jar" /console/channels)
[ "$got" = 200 ] && ok || fail "a publisher's channels page gave $got"
expect_in "$T/body" "bank"
valid_html
got=$(console_get "$T/pub.jar" /console/channels/bank)
[ "$got" = 200 ] && ok || fail "a publisher's channel page gave $got"
expect_in "$T/body" "/console/screens/s1"
valid_html
for page in inventory people inventory/download inventory/s1; do
    got=$(console_get "$T/pub.jar" "/console/$page")
    [ "$got" = 403 ] && ok || fail "a publisher's GET $page gave $got"
done
got=$(console_post "$T/pub.jar" /console/people/tokens/add --data-urlencode "name=mine" --data-urlencode "role=admin")
[ "$got" = 403 ] && ok || fail "a publisher's token POST gave $got"

finish
