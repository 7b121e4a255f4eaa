/* auth.h — bearer-token authentication and role checks for a request. */
#ifndef SL_HUB_AUTH_H
#define SL_HUB_AUTH_H

#include "tools/hub/http/http.h"

/* Authorises r for r->route: reads "Authorization: Bearer <64 hex>", looks
 * its hash up (in hub->authcache, else in the store) and checks the role.
 * Returns 0 when allowed (r->who is set); otherwise queues 401, 403 or 500
 * and returns 1 with *result set. Routes with roles == 0 are always allowed. */
int sl_auth_check(sl_hub *hub, sl_req *r, enum MHD_Result *result);

#endif
