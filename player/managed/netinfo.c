/* netinfo.c — lists the board's IPv4 addresses with getifaddrs. */
#include "player/managed/netinfo.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

void sl_net_addresses(char *buf, size_t len, bool with_names)
{
    struct ifaddrs *ifs = NULL;
    size_t at = 0;
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (getifaddrs(&ifs) == 0) {
        for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
                continue;
            char ip[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, ip, sizeof ip);
            if (strcmp(ip, "127.0.0.1") == 0)
                continue;
            int w = with_names ? snprintf(buf + at, len - at, "%s%s %s", at ? ", " : "", i->ifa_name, ip)
                               : snprintf(buf + at, len - at, "%s%s", at ? "  " : "", ip);
            if (w < 0 || (size_t)w >= len - at)
                break;
            at += (size_t)w;
        }
        freeifaddrs(ifs);
    }
    if (!buf[0])
        snprintf(buf, len, "no network");
}
