/* cpagefix.h — what the console's page tests share: a hub in a scratch folder, one request to a page handler run as the frame would, and the tidy check of a page. */
#ifndef SL_CPAGEFIX_H
#define SL_CPAGEFIX_H

#include "tools/hub/console/console.h"
#include "tools/hub/hub.h"

#include <stddef.h>

/* Opens a hub (SQLite, logging errors only) in a new scratch folder
 * /tmp/PREFIX-XXXXXX, its path into dir. Fails the test when it cannot. */
void sl_cpagefix_hub(sl_hub *hub, char *dir, size_t cap, const char *prefix);

/* One request to a page handler: the page's inputs and what it wrote. */
typedef struct {
    sl_cpage p;
    sl_report_buf out;
    int rc;          /* what the handler returned */
    char err[512];   /* and its message */
} sl_cpagefix;

/* A request of person "tester" with role and language lang to the page
 * with path parameter param (NULL: ""), CSRF token "c5rf70ken", Host
 * "hub.test:8080"; query and form empty. */
void sl_cpagefix_init(sl_cpagefix *r, sl_hub *hub, const char *lang, sl_hub_role role, const char *param);
/* Adds a query argument or a form field (values as the frame decodes them). */
void sl_cpagefix_arg(sl_cpagefix *r, const char *name, const char *value);
void sl_cpagefix_field(sl_cpagefix *r, const char *name, const char *value);
/* Runs handler; fails the test when it returns non-zero or ran out of
 * memory. Afterwards r->out.p is the page (NUL-terminated, never NULL). */
void sl_cpagefix_run(sl_cpagefix *r, int (*handler)(sl_cpage *, char *, size_t));
/* Frees the request's query, form and output. */
void sl_cpagefix_free(sl_cpagefix *r);

/* Fails the test unless fragment, inside a page around it, is valid HTML
 * to tidy (Debian's package): no error and no warning but those about SVG
 * attributes (its SVG support is partial) and <img loading> (newer than
 * Debian 12's tidy 5.6). */
void sl_cpagefix_valid_html(const char *fragment);

#endif
