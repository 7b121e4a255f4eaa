/* hub_inventory.h — validating inventory rows: identifiers, free text, tags, required hours, time zones. */
#ifndef SL_HUB_INVENTORY_H
#define SL_HUB_INVENTORY_H

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

#endif
