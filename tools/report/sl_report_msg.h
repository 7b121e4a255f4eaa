/* sl_report_msg.h — the words of the reports in English and Chinese: headings, labels, statuses, reasons. */
#ifndef SL_REPORT_MSG_H
#define SL_REPORT_MSG_H

typedef enum { SL_LANG_EN = 0, SL_LANG_ZH = 1 } sl_report_lang;

typedef enum {
    SL_MSG_TITLE,          /* Coverage report */
    SL_MSG_PERIOD,
    SL_MSG_GENERATED,
    SL_MSG_THRESHOLD,
    SL_MSG_FILTERS,
    SL_MSG_ALL,            /* no filter */
    SL_MSG_SUMMARY,
    SL_MSG_SCREENS,        /* a count of screens */
    SL_MSG_LIT,            /* counts by status */
    SL_MSG_SHORT,
    SL_MSG_DARK,
    SL_MSG_IDLE,
    SL_MSG_COVERAGE,
    SL_MSG_COVERAGE_PCT,   /* column heading: coverage in percent */
    SL_MSG_REQUIRED_H,     /* required seconds, in hours */
    SL_MSG_LIT_H,
    SL_MSG_REQUIRED_HOURS, /* how many hours had required seconds */
    SL_MSG_LIT_HOURS,
    SL_MSG_PLAYS,
    SL_MSG_UNTRUSTED_PLAYS,
    SL_MSG_UNTRUSTED_H,
    SL_MSG_CORRECTED_PLAYS,
    SL_MSG_ONLINE_H,
    SL_MSG_FLOORS_MISSED,
    SL_MSG_LAST_SEEN,
    SL_MSG_NEVER,
    SL_MSG_REASONS,
    SL_MSG_STATUS,
    SL_MSG_ID,
    SL_MSG_NAME,
    SL_MSG_SITE,
    SL_MSG_REGION,
    SL_MSG_UNIT_TYPE,
    SL_MSG_CHANNEL,
    SL_MSG_TIMEZONE,
    SL_MSG_CONTENT_VERSION,
    SL_MSG_ITEM,
    SL_MSG_FLOOR_HOURS,
    SL_MSG_FLOOR_MISSED_HOURS,
    SL_MSG_DATE,
    SL_MSG_BY_REGION,
    SL_MSG_BY_UNIT_TYPE,
    SL_MSG_BY_DAY,
    SL_MSG_SHEET_SUMMARY,  /* XLSX sheet names (at most 31 characters, no []:*?/\) */
    SL_MSG_SHEET_SCREENS,
    SL_MSG_SHEET_DARK,
    SL_MSG_SHEET_ITEMS,
    SL_MSG_DARK_LIST,      /* heading of the screens not lit */
    SL_MSG_SCREEN_LIST,
    SL_MSG_ITEM_LIST,
    SL_MSG_PROOF,
    SL_MSG_TAKEN,
    SL_MSG_CHART_REGION,
    SL_MSG_CHART_DAYS,
    SL_MSG_REQUIRED,       /* chart legend */
    SL_MSG_LIT_LEGEND,
    SL_MSG_SCOPE,
    SL_MSG_SCOPE_SCREEN,
    SL_MSG_SCOPE_REGION,
    SL_MSG_SCOPE_UNIT_TYPE,
    SL_MSG_SCOPE_TOTAL,
    SL_MSG_NONE_DARK,
    SL_MSG_NO_ITEMS,
    SL_MSG_HOURS_UNIT,     /* "h" after a number of hours */
    SL_MSG_UNKNOWN,        /* an empty region or unit type */
    SL_MSG_DEFINITIONS,    /* the footnote that says what lit, short and dark mean */
    SL_MSG_COUNT
} sl_report_msg_id;

/* The text of a message; never NULL. */
const char *sl_report_msg(sl_report_lang lang, sl_report_msg_id id);

/* A screen status word (lit 点亮, short 不足, dark 黑屏, idle 无要求);
 * an unknown status is returned as given. */
const char *sl_report_status(sl_report_lang lang, const char *status);

/* A reason code's text (REPORTS.md's table); an unknown code is returned as given. */
const char *sl_report_reason(sl_report_lang lang, const char *code);

/* "en" or "zh" (also "zh_CN", "zh-CN", "zh_TW.UTF-8", "en_US" …). 0 or -1. */
int sl_report_lang_parse(const char *s, sl_report_lang *lang);

/* The default language: Chinese when the locale of messages (the first set
 * of LC_ALL, LC_MESSAGES, LANG, given here) starts with "zh", else English. */
sl_report_lang sl_report_lang_default(const char *lc_all, const char *lc_messages, const char *lang);

/* "en" or "zh". */
const char *sl_report_lang_name(sl_report_lang lang);

#endif
