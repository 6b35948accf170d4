/* netaddr.h: IPv4/IPv6 addresses and CIDR ranges as byte strings, shared
 * by cidrmatch (sqlfn_net.c) and CIDR lookups (spl_lookup_match.c). */
#ifndef SPLITE_NETADDR_H
#define SPLITE_NETADDR_H
#include <stddef.h>

/* Parse "addr[/bits]" into addr (16 bytes of room) and a prefix length.
 * Returns the address length (4 or 16), or 0 if invalid. */
int netaddr_parse_cidr(const char *s, unsigned char *addr, int *bits);
/* Parse a plain address s[0..n) (surrounding blanks allowed; IPv4-mapped
 * IPv6 gives IPv4). Returns 4, 16 or 0. */
int netaddr_parse_ip(const char *s, size_t n, unsigned char *addr);
/* 1 if the first bits bits of a and b are equal. */
int netaddr_prefix_eq(const unsigned char *a, const unsigned char *b, int bits);
#endif
