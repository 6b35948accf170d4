/* netaddr.c: parsing IPv4/IPv6 addresses and CIDR ranges (netaddr.h). */
#include "netaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* Parse "addr[/bits]" into bytes (4 or 16) and a prefix length. Returns
 * the address length, or 0 if invalid. */
int netaddr_parse_cidr(const char *s, unsigned char *addr, int *bits)
{
    char buf[64];
    size_t n = strlen(s);
    if (n >= sizeof buf) return 0;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    if (slash) *slash = 0;
    int len = 0;
    if (inet_pton(AF_INET, buf, addr) == 1)
        len = 4;
    else if (inet_pton(AF_INET6, buf, addr) == 1)
        len = 16;
    else
        return 0;
    *bits = len * 8;
    if (slash) {
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || b < 0 || b > len * 8) return 0;
        *bits = (int)b;
    }
    return len;
}

/* Parse a plain address (surrounding blanks allowed). Returns 4, 16 or 0. */
int netaddr_parse_ip(const char *s, size_t n, unsigned char *addr)
{
    char buf[64];
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (inet_pton(AF_INET, buf, addr) == 1) return 4;
    if (inet_pton(AF_INET6, buf, addr) == 1) {
        /* IPv4-mapped ::ffff:a.b.c.d compares as IPv4 */
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(addr, mapped, 12) == 0) {
            memmove(addr, addr + 12, 4);
            return 4;
        }
        return 16;
    }
    return 0;
}

int netaddr_prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)whole) != 0) return 0;
    if (!rest) return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}
