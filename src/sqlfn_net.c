/* sqlfn_net.c: network SQL functions: spl_cidrmatch(cidr, ip) for IPv4
 * and IPv6. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_internal.h"
#include "util.h"

/* Parse "addr[/bits]" into bytes (4 or 16) and a prefix length. Returns
 * the address length, or 0 if invalid. */
static int net_parse_cidr(const char *s, unsigned char *addr, int *bits)
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
static int net_parse_ip(const char *s, size_t n, unsigned char *addr)
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

static int net_prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)whole) != 0) return 0;
    if (!rest) return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

/* spl_cidrmatch(cidr, ip): 1 if ip (any value of a multivalue) is inside
 * the subnet, 0 if not or if either is not an address; NULL if ip is
 * NULL. */
static void fn_cidrmatch(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    char *cidr = mv_first(argv[0], NULL);
    unsigned char net[16], ip[16];
    int bits, nl = net_parse_cidr(cidr ? cidr : "", net, &bits);
    free(cidr);
    int found = 0;
    if (nl) {
        mv_view w;
        mv_view_init(&w, argv[1]);
        for (size_t i = 0; i < w.n && !found; i++) {
            size_t n;
            const char *s = mv_view_get(&w, i, &n);
            found = net_parse_ip(s, n, ip) == nl && net_prefix_eq(net, ip, bits);
        }
        mv_view_free(&w);
    }
    sqlite3_result_int(ctx, found);
}

static const sqlfn_def sqlfn_net_defs[] = {
    {"spl_cidrmatch", 2, fn_cidrmatch, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_net(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_net_defs);
}
