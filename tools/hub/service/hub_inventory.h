/* hub_inventory.h — the inventory: validating rows (identifiers, free text, tags, required hours, time zones), importing and exporting CSV, screens with their status. */
#ifndef SL_HUB_INVENTORY_H
#define SL_HUB_INVENTORY_H

#include "tools/hub/hub.h"
#include "tools/hub/http/body.h"
#include "tools/hub/service/hub_service.h"
#include "tools/hub/store/store.h"

#include <stddef.h>
#include <stdint.h>

/* The inventory CSV columns, in export order. */
#define SL_INV_N_COLS 9
extern const char *const sl_inv_cols[SL_INV_N_COLS];

#define SL_INV_WINDOWS_MAX 8 /* required-hours windows per weekday */

/* Required hours per weekday (0 = Monday), in seconds since local midnight;
 * windows as written (they may overlap). */
typedef struct {
    int n[7];
    int32_t from_s[7][SL_INV_WINDOWS_MAX];
    int32_t to_s[7][SL_INV_WINDOWS_MAX]; /* > from_s, at most 86400 */
} sl_inv_hours;

/* Parses "mon-fri 08:30-17:30; sat 09:00-12:00" (see API.md) into out.
 * 0 or -1 with why. */
int sl_inv_hours_parse(const char *s, sl_inv_hours *out, char *why, size_t whylen);
/* Checks the same: 0 or -1 with why. */
int sl_inv_hours_check(const char *s, char *why, size_t whylen);

/* Fills and checks a row from CSV fields ordered as sl_inv_cols (NULL for
 * a column the file lacks). The time zone is not checked here (see
 * sl_inv_tz_check). Values are trimmed of spaces. Returns 0 or -1
 * with a reason naming the column. */
int sl_inv_row(sl_hub_screen *out, const char *const vals[SL_INV_N_COLS], char *why, size_t whylen);

/* Checks a time zone name (IANA or a fixed offset). 0 or -1 with why. */
int sl_inv_tz_check(const char *name, char *why, size_t whylen);

/* The value of column i of a row. */
const char *sl_inv_value(const sl_hub_screen *s, int i);

/* Imports an inventory CSV (UTF-8, the first line a header naming the
 * columns, API.md): every row is checked, then all are stored (added or
 * replaced by id) in one transaction. *imported gets the number of rows.
 * INVALID with *bad_line (0: none) the line at fault, STORE. */
sl_svc_rc sl_inv_import(sl_hub *hub, const char *csv, size_t len, size_t *imported, size_t *bad_line,
                        sl_svc_err *e);

/* Called for each line an import refuses, with why (in English). */
typedef void (*sl_inv_bad_cb)(void *ud, size_t line, const char *why);

/* Like sl_inv_import, but checks every row and gives each bad line to bad
 * (at most 200; a malformed header or CSV ends the checking there).
 * INVALID when any line is bad (nothing is then stored), STORE. */
sl_svc_rc sl_inv_import_all(sl_hub *hub, const char *csv, size_t len, size_t *imported, sl_inv_bad_cb bad, void *ud,
                            sl_svc_err *e);

/* Checks one row given as the values of sl_inv_cols by the same rules as an
 * import (the time zone too) and stores it, added or replaced by id.
 * INVALID with *bad_col the column at fault (-1 otherwise), STORE. */
sl_svc_rc sl_inv_put_row(sl_hub *hub, const char *const vals[SL_INV_N_COLS], int *bad_col, sl_svc_err *e);

/* Appends the inventory as CSV (a BOM, the header, a row per screen by id) to out. FAILED (the buffer), STORE. */
sl_svc_rc sl_inv_export(sl_hub *hub, sl_body *out, sl_svc_err *e);

/* Called for each screen with its status: online (sl_status_online: a
 * heartbeat within the last 3 minutes) and its state in words ("online",
 * "offline", "never enrolled"). Non-zero stops. */
typedef int (*sl_inv_screen_cb)(void *ud, const sl_hub_screen_status *s, bool online, const char *state);

/* Every screen, by id, as seen at now_ms. STORE. */
sl_svc_rc sl_inv_screens(sl_hub *hub, int64_t now_ms, sl_inv_screen_cb cb, void *ud, sl_svc_err *e);

/* The regions and the unit types the inventory names, each once, sorted
 * (by bytes), empty ones left out: new JSON arrays of strings, for the
 * choices of a filter. STORE, FAILED (memory). */
sl_svc_rc sl_inv_choices(sl_hub *hub, cJSON **regions, cJSON **unit_types, sl_svc_err *e);

/* A screen's minutes online per hour in [from_ms, to_ms). NOT_FOUND (not in the inventory), STORE. */
sl_svc_rc sl_inv_screen_hours(sl_hub *hub, const char *screen, int64_t from_ms, int64_t to_ms,
                              int (*cb)(void *ud, int64_t hour_ms, int minutes), void *ud, sl_svc_err *e);

#endif
