/* sqlfn_net.c: network SQL functions: spl_cidrmatch(cidr, ip) for IPv4
 * and IPv6; spl_ipsortkey(ip), the key of sort ip(field). */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "netaddr.h"
#include "sqlfn_internal.h"
#include "util.h"

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
    int bits, nl = netaddr_parse_cidr(cidr ? cidr : "", net, &bits);
    free(cidr);
    int found = 0;
    if (nl) {
        mv_view w;
        mv_view_init(&w, argv[1]);
        for (size_t i = 0; i < w.n && !found; i++) {
            size_t n;
            const char *s = mv_view_get(&w, i, &n);
            found = netaddr_parse_ip(s, n, ip) == nl && netaddr_prefix_eq(net, ip, bits);
        }
        mv_view_free(&w);
    }
    sqlite3_result_int(ctx, found);
}

/* spl_ipsortkey(x): a BLOB that orders addresses as sort ip(x) wants:
 * IPv4 before IPv6, each by its bytes; NULL when x (its first value) is
 * not an address. */
static void fn_ipsortkey(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) { sqlite3_result_null(ctx); return; }
    size_t n = 0;
    char *s = mv_first(argv[0], &n);
    unsigned char k[17];
    int len = s ? netaddr_parse_ip(s, n, k + 1) : 0;
    free(s);
    if (!len) { sqlite3_result_null(ctx); return; }
    k[0] = (unsigned char)len;
    sqlite3_result_blob(ctx, k, len + 1, SQLITE_TRANSIENT);
}

static const sqlfn_def sqlfn_net_defs[] = {
    {"spl_cidrmatch", 2, fn_cidrmatch, 1, 0},
    {"spl_ipsortkey", 1, fn_ipsortkey, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_net(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_net_defs);
}
