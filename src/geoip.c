/* geoip.c: country lookups in the GeoIP.dat/GeoIPv6.dat databases of
 * Debian's geoip-database package through libGeoIP (see geoip.h). */
#include <arpa/inet.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geoip.h"
#include "util.h"

#ifdef SPLITE_HAVE_GEOIP
#include <GeoIP.h>
#endif

struct geoip_db {
#ifdef SPLITE_HAVE_GEOIP
    GeoIP *v4, *v6;
#else
    int unused;
#endif
};

const char *geoip_dir(void)
{
    const char *d = getenv("SPLITE_GEOIP_DIR");
    return d && *d ? d : "/usr/share/GeoIP";
}

#ifdef SPLITE_HAVE_GEOIP
static char *geoip_file(const char *name)
{
    return xasprintf("%s/%s", geoip_dir(), name);
}
#endif

int geoip_check(char **err)
{
    assert(err);
    *err = NULL;
#ifndef SPLITE_HAVE_GEOIP
    *err = xstrdup("splite was built without libGeoIP (install libgeoip-dev and geoip-database, then rebuild)");
    return -1;
#else
    char *path = geoip_file("GeoIP.dat");
    if (access(path, R_OK) != 0) {
        *err = xasprintf("the GeoIP country database %s is missing (Debian package geoip-database)", path);
        free(path);
        return -1;
    }
    free(path);
    return 0;
#endif
}

geoip_db *geoip_open(char **err)
{
    if (geoip_check(err) != 0) return NULL;
#ifdef SPLITE_HAVE_GEOIP
    geoip_db *db = xcalloc(1, sizeof *db);
    char *p4 = geoip_file("GeoIP.dat"), *p6 = geoip_file("GeoIPv6.dat");
    db->v4 = GeoIP_open(p4, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
    if (access(p6, R_OK) == 0) db->v6 = GeoIP_open(p6, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
    if (!db->v4) {
        *err = xasprintf("cannot read the GeoIP country database %s", p4);
        geoip_close(db);
        db = NULL;
    } else {
        GeoIP_set_charset(db->v4, GEOIP_CHARSET_UTF8);
        if (db->v6) GeoIP_set_charset(db->v6, GEOIP_CHARSET_UTF8);
    }
    free(p4);
    free(p6);
    return db;
#else
    return NULL;
#endif
}

void geoip_close(geoip_db *db)
{
    if (!db) return;
#ifdef SPLITE_HAVE_GEOIP
    if (db->v4) GeoIP_delete(db->v4);
    if (db->v6) GeoIP_delete(db->v6);
#endif
    free(db);
}

#ifdef SPLITE_HAVE_GEOIP
/* GeoIP's continent codes as the names Splunk's iplocation gives. */
static const char *geoip_continent_name(const char *code)
{
    static const char *const names[][2] = {
        {"AF", "Africa"}, {"AN", "Antarctica"}, {"AS", "Asia"}, {"EU", "Europe"},
        {"NA", "North America"}, {"OC", "Oceania"}, {"SA", "South America"},
    };
    if (!code) return NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i][0], code)) return names[i][1];
    return NULL;
}
#endif

int geoip_lookup(geoip_db *db, const char *ip, geoip_loc *out)
{
    assert(out);
    memset(out, 0, sizeof *out);
#ifdef SPLITE_HAVE_GEOIP
    if (!db || !ip) return 0;
    unsigned char buf[16];
    char text[64];
    size_t n = strlen(ip);
    while (n && (ip[n - 1] == ' ' || ip[n - 1] == '\t')) n--;
    while (n && (*ip == ' ' || *ip == '\t')) ip++, n--;
    if (n == 0 || n >= sizeof text) return 0;
    memcpy(text, ip, n);
    text[n] = 0;
    int id = 0;
    GeoIP *gi = NULL;
    if (inet_pton(AF_INET, text, buf) == 1) {
        gi = db->v4;
        id = GeoIP_id_by_addr(gi, text);
    } else if (inet_pton(AF_INET6, text, buf) == 1 && db->v6) {
        gi = db->v6;
        id = GeoIP_id_by_addr_v6(gi, text);
    }
    if (id <= 0 || !gi) return 0;
    out->country = GeoIP_country_name_by_id(gi, id);
    out->continent = geoip_continent_name(GeoIP_continent_by_id(id));
    return out->country != NULL;
#else
    (void)db;
    (void)ip;
    return 0;
#endif
}
