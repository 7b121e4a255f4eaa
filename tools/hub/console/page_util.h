/* page_util.h — small pieces the admin pages share: notices and errors, labelled fields with their error, instants and sizes, the redirect after a POST. */
#ifndef SL_HUB_PAGE_UTIL_H
#define SL_HUB_PAGE_UTIL_H

#include "tools/hub/console/console.h"

#include <stdint.h>

/* A "?done=KEY" message a page may show: its key and its texts. */
typedef struct {
    const char *key, *zh, *en;
} sl_cpw_done_msg;

/* <p class="error" id="error">MSG</p> (MSG escaped). */
void sl_cpw_error(sl_cpage *p, const char *msg);

/* When the query has done=KEY of msgs: the notice, followed by the query's
 * "name" (escaped) when there is one. */
void sl_cpw_done(sl_cpage *p, const sl_cpw_done_msg *msgs, size_t n);

/* After a POST: p->redirect = "/console/PATH?done=DONE[&name=NAME]" (NAME
 * percent-encoded; NULL leaves it out). */
void sl_cpw_redirect(sl_cpage *p, const char *path, const char *done, const char *name);

/* A labelled input (type "text", "password" …) with its value and, when
 * error is not NULL, the error under it. Its id is "f-FORMNAME" and the
 * error's "error-FORMNAME" (form: a prefix keeping ids of several forms on
 * one page apart, "" for none). */
void sl_cpw_input(sl_cpage *p, const char *form, const char *name, const char *type, const char *label,
                  const char *value, const char *error);

/* A labelled <select> of the roles admin, publisher and auditor (ids as sl_cpw_input's). */
void sl_cpw_role_select(sl_cpage *p, const char *form, const char *name, const char *label);

/* Ends a table body opened when out had mark bytes: a row saying "none"
 * spanning cols columns when no row came. */
void sl_cpw_tbody_end(sl_cpage *p, size_t mark, int cols);

/* An instant as "2026-11-25 08:00 UTC" ("—" for -1). */
void sl_cpw_time(sl_cpage *p, int64_t ms);

/* A size in bytes as "12.3 MB". */
void sl_cpw_bytes(sl_cpage *p, int64_t n);

/* A role's name in the page's language. */
const char *sl_cpw_role(const sl_cpage *p, sl_hub_role r);

/* A one-button form POSTing name=VALUE to action (class "danger" when danger). */
void sl_cpw_button(sl_cpage *p, const char *action, const char *value, const char *label, bool danger);

#endif
