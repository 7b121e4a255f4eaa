/* sl_report_doc.h — reading the coverage report document (REPORTS.md): checked shape, members, numbers as text. */
#ifndef SL_REPORT_DOC_H
#define SL_REPORT_DOC_H

#include "tools/report/sl_report_buf.h"
#include "tools/report/sl_report_msg.h"

#include <cjson/cJSON.h>

#include <stddef.h>
#include <stdint.h>

/* Checks that doc has the members every renderer relies on: "from" and
 * "to" strings, a "summary" object and a "screens" list of objects (the
 * other lists may be absent: they are then empty). 0 or -1 with err. */
int sl_report_check(const cJSON *doc, char *err, size_t errlen);

/* A member as an integer (JSON numbers within +-2^53, rounded); 0 when
 * absent or not a number. */
int64_t sl_report_int(const cJSON *o, const char *key);
/* A member as a number; 0 when absent or not a number. */
double sl_report_num(const cJSON *o, const char *key);
/* A member as a string; "" when absent, null or not a string. */
const char *sl_report_str(const cJSON *o, const char *key);
/* A list member, or NULL when absent or not a list (cJSON_ArrayForEach accepts NULL). */
const cJSON *sl_report_list(const cJSON *o, const char *key);
/* The object member, or NULL. */
const cJSON *sl_report_obj(const cJSON *o, const char *key);

/* Seconds as hours with two decimals: 32400 -> "9.00". */
void sl_report_fmt_hours(int64_t seconds, char *buf, size_t len);
/* A percentage with one decimal: 66.7 -> "66.7". */
void sl_report_fmt_pct(double pct, char *buf, size_t len);

/* The reasons list as one text: "offline (offline since …); not playing",
 * in Chinese "离线（offline since …）；在线但未播放". The hub's detail
 * follows each reason's translated name as it was sent. */
void sl_report_reasons_text(const cJSON *reasons, sl_report_lang lang, sl_report_buf *out);

/* The filters of the document as text: "region 城东区, unit type bank",
 * or the "all screens" message when there is none. */
void sl_report_filters_text(const cJSON *doc, sl_report_lang lang, sl_report_buf *out);

#endif
