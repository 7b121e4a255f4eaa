/* sl_report_msg.c — the words of the reports in English and Chinese: headings, labels, statuses, reasons. */
#include "tools/report/sl_report_msg.h"

#include <string.h>

/* [id] = {English, Chinese} */
static const char *const msgs[SL_MSG_COUNT][2] = {
    [SL_MSG_TITLE] = {"Screen coverage report", "屏幕点亮情况报告"},
    [SL_MSG_PERIOD] = {"Period", "统计周期"},
    [SL_MSG_GENERATED] = {"Generated", "生成时间"},
    [SL_MSG_THRESHOLD] = {"Lit threshold", "点亮达标线"},
    [SL_MSG_FILTERS] = {"Filters", "筛选条件"},
    [SL_MSG_ALL] = {"all screens", "全部屏幕"},
    [SL_MSG_SUMMARY] = {"Summary", "汇总"},
    [SL_MSG_SCREENS] = {"Screens", "屏幕数"},
    [SL_MSG_LIT] = {"Lit", "点亮"},
    [SL_MSG_SHORT] = {"Short", "不足"},
    [SL_MSG_DARK] = {"Dark", "黑屏"},
    [SL_MSG_IDLE] = {"No required hours", "无点亮要求"},
    [SL_MSG_COVERAGE] = {"Coverage", "点亮率"},
    [SL_MSG_COVERAGE_PCT] = {"Coverage (%)", "点亮率(%)"},
    [SL_MSG_REQUIRED_H] = {"Required (h)", "应点亮时长(小时)"},
    [SL_MSG_LIT_H] = {"Lit (h)", "实际点亮时长(小时)"},
    [SL_MSG_REQUIRED_HOURS] = {"Hours required", "应点亮时段数"},
    [SL_MSG_LIT_HOURS] = {"Hours lit", "已点亮时段数"},
    [SL_MSG_PLAYS] = {"Plays", "播放次数"},
    [SL_MSG_UNTRUSTED_PLAYS] = {"Plays, clock untrusted", "时钟不可信的播放次数"},
    [SL_MSG_UNTRUSTED_H] = {"Untrusted (h)", "时钟不可信时长(小时)"},
    [SL_MSG_CORRECTED_PLAYS] = {"Plays, clock corrected", "时钟已校正的播放次数"},
    [SL_MSG_ONLINE_H] = {"Online (h)", "在线时长(小时)"},
    [SL_MSG_FLOORS_MISSED] = {"Floors missed", "频次未达标"},
    [SL_MSG_LAST_SEEN] = {"Last seen (UTC)", "最后在线(UTC)"},
    [SL_MSG_NEVER] = {"never", "从未在线"},
    [SL_MSG_REASONS] = {"Reasons", "原因"},
    [SL_MSG_STATUS] = {"Status", "状态"},
    [SL_MSG_ID] = {"Screen ID", "屏幕编号"},
    [SL_MSG_NAME] = {"Name", "屏幕名称"},
    [SL_MSG_SITE] = {"Site", "所在网点"},
    [SL_MSG_REGION] = {"Region", "区域"},
    [SL_MSG_UNIT_TYPE] = {"Unit type", "单位类型"},
    [SL_MSG_CHANNEL] = {"Channel", "频道"},
    [SL_MSG_TIMEZONE] = {"Time zone", "时区"},
    [SL_MSG_CONTENT_VERSION] = {"Content version", "内容版本"},
    [SL_MSG_ITEM] = {"Item", "节目"},
    [SL_MSG_FLOOR_HOURS] = {"Hours with a floor", "有频次要求的时段数"},
    [SL_MSG_FLOOR_MISSED_HOURS] = {"Hours under the floor", "频次未达标的时段数"},
    [SL_MSG_DATE] = {"Date", "日期"},
    [SL_MSG_BY_REGION] = {"By region", "按区域"},
    [SL_MSG_BY_UNIT_TYPE] = {"By unit type", "按单位类型"},
    [SL_MSG_BY_DAY] = {"By day", "按日"},
    [SL_MSG_SHEET_SUMMARY] = {"Summary", "汇总"},
    [SL_MSG_SHEET_SCREENS] = {"Screens", "屏幕明细"},
    [SL_MSG_SHEET_DARK] = {"Dark screens", "未点亮屏幕"},
    [SL_MSG_SHEET_ITEMS] = {"Items", "节目播放"},
    [SL_MSG_DARK_LIST] = {"Screens not lit, and why", "未点亮屏幕及原因"},
    [SL_MSG_SCREEN_LIST] = {"Every screen", "屏幕明细"},
    [SL_MSG_ITEM_LIST] = {"Plays and frequency floors per item", "各节目播放次数与频次要求"},
    [SL_MSG_PROOF] = {"Proof screenshots", "印证图片"},
    [SL_MSG_TAKEN] = {"taken", "拍摄于"},
    [SL_MSG_CHART_REGION] = {"Coverage by region", "各区域点亮率"},
    [SL_MSG_CHART_DAYS] = {"Hours lit per day", "每日点亮时长"},
    [SL_MSG_REQUIRED] = {"required", "应点亮"},
    [SL_MSG_LIT_LEGEND] = {"lit", "已点亮"},
    [SL_MSG_SCOPE] = {"Scope", "统计范围"},
    [SL_MSG_SCOPE_SCREEN] = {"screen", "屏幕"},
    [SL_MSG_SCOPE_REGION] = {"region", "区域"},
    [SL_MSG_SCOPE_UNIT_TYPE] = {"unit type", "单位类型"},
    [SL_MSG_SCOPE_TOTAL] = {"total", "合计"},
    [SL_MSG_NONE_DARK] = {"Every screen was lit.", "全部屏幕均已点亮。"},
    [SL_MSG_NO_ITEMS] = {"No plays in the period.", "本期无播放记录。"},
    [SL_MSG_HOURS_UNIT] = {"h", "小时"},
    [SL_MSG_UNKNOWN] = {"(none)", "(未填)"},
    [SL_MSG_DEFINITIONS] = {"A screen is lit when the campaign was on it for at least the threshold share of "
                            "its required hours and every frequency floor was met; short when it played, but "
                            "not enough; dark when it played nothing in its required hours. Only plays with a "
                            "trusted clock count.",
                            "屏幕在应点亮时段内播放宣传内容的时长达到达标线、且各节目播放频次均达到要求，"
                            "即为“点亮”；有播放但未达标为“不足”；应点亮时段内无任何播放为“黑屏”。"
                            "仅统计时钟可信的播放记录。"},
};

typedef struct {
    const char *key;
    const char *text[2];
} msg_word;

static const msg_word statuses[] = {
    {"lit", {"lit", "点亮"}},
    {"short", {"short", "不足"}},
    {"dark", {"dark", "黑屏"}},
    {"idle", {"no required hours", "无点亮要求"}},
};

static const msg_word reasons[] = {
    {"never_enrolled", {"never enrolled", "设备从未注册"}},
    {"no_content", {"no content published", "频道无已发布内容"}},
    {"offline", {"offline", "离线"}},
    {"not_playing", {"online but not playing", "在线但未播放"}},
    {"outdated_content", {"outdated content", "内容未更新"}},
    {"items_missing", {"items under their frequency floor", "节目播放频次不足"}},
    {"clock_untrusted", {"plays with an untrusted clock not counted", "时钟不可信的播放未计入"}},
    {"short", {"lit for too little of the required hours", "点亮时长不足"}},
};

const char *sl_report_msg(sl_report_lang lang, sl_report_msg_id id)
{
    if ((int)id < 0 || id >= SL_MSG_COUNT)
        return "";
    const char *s = msgs[id][lang == SL_LANG_ZH ? 1 : 0];
    return s ? s : "";
}

static const char *word(const msg_word *w, size_t n, sl_report_lang lang, const char *key)
{
    if (!key)
        return "";
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i].key, key) == 0)
            return w[i].text[lang == SL_LANG_ZH ? 1 : 0];
    return key;
}

const char *sl_report_status(sl_report_lang lang, const char *status)
{
    return word(statuses, sizeof statuses / sizeof statuses[0], lang, status);
}

const char *sl_report_reason(sl_report_lang lang, const char *code)
{
    return word(reasons, sizeof reasons / sizeof reasons[0], lang, code);
}

int sl_report_lang_parse(const char *s, sl_report_lang *lang)
{
    if (!s)
        return -1;
    if (strncmp(s, "zh", 2) == 0 && (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.')) {
        *lang = SL_LANG_ZH;
        return 0;
    }
    if (strncmp(s, "en", 2) == 0 && (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.')) {
        *lang = SL_LANG_EN;
        return 0;
    }
    return -1;
}

sl_report_lang sl_report_lang_default(const char *lc_all, const char *lc_messages, const char *lang)
{
    const char *v = lc_all && *lc_all ? lc_all : lc_messages && *lc_messages ? lc_messages : lang;
    return v && strncmp(v, "zh", 2) == 0 ? SL_LANG_ZH : SL_LANG_EN;
}

const char *sl_report_lang_name(sl_report_lang lang)
{
    return lang == SL_LANG_ZH ? "zh" : "en";
}
