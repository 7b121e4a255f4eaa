/* netinfo.h — this board's IPv4 addresses, for the diagnostic and waiting screens. */
#ifndef SL_NETINFO_H
#define SL_NETINFO_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the non-loopback IPv4 addresses ("eth0 192.168.1.20, wlan0 …" with
 * names, "192.168.1.20  10.0.0.5" without), or "no network". */
void sl_net_addresses(char *buf, size_t len, bool with_names);

#endif
