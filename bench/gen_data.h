/* gen_data.h: the made-up environment bench-gen draws events from: hosts,
 * users, executables with their version info and typical command lines, and
 * the long-lived parent processes. Everything is derived from the seed. */
#ifndef BENCH_GEN_DATA_H
#define BENCH_GEN_DATA_H
#include <stdint.h>

/* Who runs a process. */
enum gen_user_class { UC_SYSTEM, UC_USER, UC_NETSVC, UC_LOCALSVC, UC_IIS, UC_ADMIN };
/* Where an executable runs. */
enum gen_where { W_ANY, W_WKS, W_SRV, W_IIS, W_SQL, W_DC };
/* The long-lived parents every host has one instance of. */
enum gen_parent {
    PK_SERVICES, PK_SVCHOST, PK_EXPLORER, PK_CMD, PK_POWERSHELL, PK_W3WP,
    PK_WMIPRVSE, PK_USERINIT, PK_SPLUNKD, PK_CHROME, PK_TASKSCHED, PK_COUNT
};

typedef struct gen_image {
    const char *path, *desc, *product, *company, *version, *orig;
    /* Command-line templates. Placeholders: %u user, %h host, %n number,
     * %x 8 hex digits, %G upper-case GUID, %g lower-case GUID, %f document
     * name, %t temp file name, %d domain name, %i IP address, %s service
     * name, %p path of the image itself, %% a percent sign. */
    const char *cmds[4];
    int parent, user, where, weight;
    const char *hashes;  /* filled by gen_data_init */
} gen_image;

typedef struct gen_parent_def {
    const char *image, *cmd;
    int user;
} gen_parent_def;

typedef struct gen_user {
    char sam[24];      /* jsmith */
    char sid[64];
} gen_user;

typedef struct gen_host {
    char name[32];     /* WKS-FIN-012 */
    char fqdn[64];
    char ip[16];
    char guid8[9];     /* per-host prefix of Sysmon GUIDs */
    int kind;          /* W_WKS, W_SRV, W_IIS, W_SQL, W_DC */
    int primary_user;  /* index into users; on servers an admin */
    unsigned sysmon_pid;
    uint64_t record;   /* next EventRecordID */
    uint64_t sec_record;
    uint64_t iis_record;
} gen_host;

#define GEN_DOMAIN "CORP"
#define GEN_DNS_DOMAIN "corp.example.com"

typedef struct gen_world {
    gen_image *images;
    int nimages;
    uint64_t *img_cum;   /* cumulative weights */
    uint64_t img_total;
    gen_user users[200];
    int nusers;
    int admins[12];      /* indexes of admin accounts in users */
    int nadmins;
    gen_host hosts[50];
    int nhosts;
    int iis_hosts[8];
    int niis;
    char *owned[4096];    /* strings allocated for synthesized images */
    int nowned;
} gen_world;

extern const gen_parent_def gen_parents[PK_COUNT];
extern const char *const gen_services[];
extern const int gen_nservices;
extern const char *const gen_domains[];
extern const int gen_ndomains;
extern const char *const gen_docs[];
extern const int gen_ndocs;

uint64_t gen_rand(uint64_t *state);   /* splitmix64 */
void gen_data_init(gen_world *w, uint64_t seed);
void gen_data_free(gen_world *w);
#endif
