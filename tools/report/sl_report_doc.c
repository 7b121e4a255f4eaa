/* sl_report_doc.c — reading the coverage report document (REPORTS.md): checked shape, members, numbers as text. */
#include "tools/report/sl_report_doc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DOC_INT_MAX 9007199254740992.0 /* 2^53 */

int sl_report_check(const cJSON *doc, char *err, size_t errlen)
{
    static const char *const lists[] = {"by_region", "by_unit_type", "by_day", "screens", "dark", "items"};
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "the report is not a JSON object");
        return -1;
    }
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "from")) ||
        !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "to"))) {
        snprintf(err, errlen, "the report has no \"from\" and \"to\" dates");
        return -1;
    }
    if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "summary"))) {
        snprintf(err, errlen, "the report has no \"summary\" object");
        return -1;
    }
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "screens"))) {
        snprintf(err, errlen, "the report has no \"screens\" list");
        return -1;
    }
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(doc, lists[i]), *e;
        if (!l || cJSON_IsNull(l))
            continue;
        if (!cJSON_IsArray(l)) {
            snprintf(err, errlen, "the report's \"%s\" is not a list", lists[i]);
            return -1;
        }
        cJSON_ArrayForEach(e, l)
        {
            if (!cJSON_IsObject(e)) {
                snprintf(err, errlen, "the report's \"%s\" holds something that is not an object", lists[i]);
                return -1;
            }
        }
    }
    return 0;
}

int64_t sl_report_int(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > DOC_INT_MAX)
        return 0;
    return (int64_t)llround(v->valuedouble);
}

double sl_report_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : 0.0;
}

const char *sl_report_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

const cJSON *sl_report_list(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsArray(v) ? v : NULL;
}

const cJSON *sl_report_obj(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

void sl_report_fmt_hours(int64_t seconds, char *buf, size_t len)
{
    /* Exact: hundredths of an hour are 36 s. */
    int64_t c = (seconds * 100 + (seconds >= 0 ? 1800 : -1800)) / 3600;
    snprintf(buf, len, "%s%lld.%02lld", c < 0 ? "-" : "", (long long)(c < 0 ? -c : c) / 100,
             (long long)(c < 0 ? -c : c) % 100);
}

void sl_report_fmt_pct(double pct, char *buf, size_t len)
{
    snprintf(buf, len, "%.1f", isfinite(pct) ? pct : 0.0);
}

void sl_report_reasons_text(const cJSON *reasons, sl_report_lang lang, sl_report_buf *out)
{
    const cJSON *r, *list = cJSON_IsArray(reasons) ? reasons : NULL;
    bool zh = lang == SL_LANG_ZH, first = true;
    cJSON_ArrayForEach(r, list)
    {
        const char *code = sl_report_str(r, "code"), *detail = sl_report_str(r, "detail");
        if (!*code)
            continue;
        if (!first)
            sl_report_buf_puts(out, zh ? "；" : "; ");
        first = false;
        sl_report_buf_puts(out, sl_report_reason(lang, code));
        if (*detail) {
            sl_report_buf_puts(out, zh ? "（" : " (");
            sl_report_buf_puts(out, detail);
            sl_report_buf_puts(out, zh ? "）" : ")");
        }
    }
}

void sl_report_filters_text(const cJSON *doc, sl_report_lang lang, sl_report_buf *out)
{
    static const struct {
        const char *key;
        sl_report_msg_id label;
    } f[] = {{"region", SL_MSG_REGION}, {"unit_type", SL_MSG_UNIT_TYPE}, {"screen", SL_MSG_ID}};
    const cJSON *filters = sl_report_obj(doc, "filters");
    bool any = false, zh = lang == SL_LANG_ZH;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        const char *v = sl_report_str(filters, f[i].key);
        if (!*v)
            continue;
        if (any)
            sl_report_buf_puts(out, zh ? "，" : ", ");
        any = true;
        sl_report_buf_puts(out, sl_report_msg(lang, f[i].label));
        sl_report_buf_puts(out, zh ? "：" : ": ");
        sl_report_buf_puts(out, v);
    }
    if (!any)
        sl_report_buf_puts(out, sl_report_msg(lang, SL_MSG_ALL));
}
