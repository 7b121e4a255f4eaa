/* sl_report_plays.h — raw play records as CSV or XLSX, in screenlit's own column layout or the Outsmart Playout digital layout (FORMATS.md). */
#ifndef SL_REPORT_PLAYS_H
#define SL_REPORT_PLAYS_H

#include "content/tz.h"
#include "tools/report/sl_report_buf.h"

#include <cjson/cJSON.h>

#include <stdbool.h>

typedef enum { SL_PLAYS_SCREENLIT, SL_PLAYS_OUTSMART } sl_report_plays_layout;

/* "screenlit" or "outsmart". 0 or -1. */
int sl_report_plays_layout_parse(const char *s, sl_report_plays_layout *l);

/* The screen a record belongs to (from GET /api/v1/screens). tz may be NULL (UTC). */
typedef struct {
    const char *id, *name, *region, *unit_type, *channel;
    const sl_tz *tz;
} sl_report_plays_screen;

/* The Outsmart fields screenlit does not know (SPACE ids, the order);
 * NULL or "" leaves them empty, except order, which defaults to the
 * screen's channel. */
typedef struct {
    const char *order, *space_buyer, *space_agency, *space_brand, *campaign;
} sl_report_outsmart_ids;

/* What comes before the first record: screenlit: a UTF-8 BOM and the
 * header line; Outsmart: nothing (its files have no header). */
void sl_report_plays_begin(sl_report_buf *b, sl_report_plays_layout l);

/* One record of GET /api/v1/plays. Returns false (and writes nothing) when
 * the layout leaves it out: the Outsmart layout lists only plays that were
 * shown (not "failed") at a known time (clock not "untrusted"). ids is for
 * the Outsmart layout and may be NULL. */
bool sl_report_plays_row(sl_report_buf *b, sl_report_plays_layout l, const sl_report_plays_screen *s,
                         const sl_report_outsmart_ids *ids, const cJSON *rec);

/* The screenlit layout as an XLSX workbook: one sheet "plays", the header
 * row, then one row a record (text cells, and numbers for seq,
 * manifest_version and duration_ms). The file appears at path when closed.
 * At most 1 048 575 records (a sheet's rows). */
typedef struct sl_report_plays_xlsx sl_report_plays_xlsx;
sl_report_plays_xlsx *sl_report_plays_xlsx_open(const char *path, char *err, size_t errlen);
int sl_report_plays_xlsx_row(sl_report_plays_xlsx *x, const sl_report_plays_screen *s, const cJSON *rec, char *err,
                             size_t errlen);
/* Writes the file; 0 or -1 with err. NULL is fine. */
int sl_report_plays_xlsx_close(sl_report_plays_xlsx *x, char *err, size_t errlen);
/* Gives up (on an error elsewhere); NULL is fine. */
void sl_report_plays_xlsx_abandon(sl_report_plays_xlsx *x);

#endif
