/* geoip.h: IP address to location with the GeoIP country databases Debian's
 * geoip-database package installs (GeoIP.dat, GeoIPv6.dat; legacy MaxMind
 * format read by libGeoIP). They hold countries and continents only: city,
 * region and coordinates are never known. Optional: without libGeoIP at
 * build time (no SPLITE_HAVE_GEOIP) every call reports it. */
#ifndef SPLITE_GEOIP_H
#define SPLITE_GEOIP_H

typedef struct geoip_db geoip_db;

/* What is known of an address; NULL members are unknown. Strings are
 * static (owned by libGeoIP). */
typedef struct geoip_loc {
    const char *country;   /* "United States" */
    const char *continent; /* "North America" */
} geoip_loc;

/* The directory of the database files: $SPLITE_GEOIP_DIR, else
 * /usr/share/GeoIP. */
const char *geoip_dir(void);
/* 0 if iplocation can run (library built in, GeoIP.dat readable); else -1
 * and *err (free it) says what is missing, naming the file. */
int geoip_check(char **err);
/* Open the databases (IPv6 one optional); NULL and *err on failure. */
geoip_db *geoip_open(char **err);
void geoip_close(geoip_db *db);
/* Look ip up (IPv4 or IPv6 text). Returns 1 and fills *out when the
 * address is in the database, 0 otherwise (not an address, private,
 * unassigned). */
int geoip_lookup(geoip_db *db, const char *ip, geoip_loc *out);
#endif
