/* gen.c: bench-gen, a deterministic generator of realistic Windows events for
 * benchmarks: Sysmon EventIDs 1/3/11 as XmlWinEventLog lines, flat JSON lines
 * or pre-split TSV, and Security 4688 / IIS-Configuration 29 in the classic
 * multi-line WinEventLog format. --inject-attacks K places K events of each
 * T1505.004 technique at known positions and reports the expected counts on
 * stderr. Output goes to stdout through one large buffer. */
#include "bench_fields.h"
#include "gen_data.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum gen_format { F_XML, F_JSON, F_TSV, F_WINEVENTLOG };
enum attack { A_NONE = -1, A_APPCMD_MODULE, A_GACUTIL, A_HTTPLOGGING, A_COUNT };

/* ---- output buffer ---- */
typedef struct obuf {
    char *p;
    size_t len, cap;
    FILE *f;
} obuf;

static void ob_flush(obuf *o)
{
    if (o->len && fwrite(o->p, 1, o->len, o->f) != o->len) {
        perror("bench-gen: write");
        exit(1);
    }
    o->len = 0;
}

static inline void ob_need(obuf *o, size_t n)
{
    if (o->len + n > o->cap) {
        ob_flush(o);
        if (n > o->cap) {
            o->cap = n * 2;
            o->p = realloc(o->p, o->cap);
            if (!o->p) abort();
        }
    }
}

static inline void ob_mem(obuf *o, const char *s, size_t n)
{
    ob_need(o, n);
    memcpy(o->p + o->len, s, n);
    o->len += n;
}
#define ob_lit(o, s) ob_mem((o), (s), sizeof(s) - 1)
static inline void ob_str(obuf *o, const char *s) { ob_mem(o, s, strlen(s)); }
static inline void ob_chr(obuf *o, char c)
{
    ob_need(o, 1);
    o->p[o->len++] = c;
}

static void ob_u64(obuf *o, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ob_need(o, (size_t)n);
    while (n) o->p[o->len++] = tmp[--n];
}

/* Element text: & < > escaped, as Windows renders event XML. */
static void ob_xml(obuf *o, const char *s, size_t n)
{
    ob_need(o, n * 5);
    char *d = o->p + o->len;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '&') memcpy(d, "&amp;", 5), d += 5;
        else if (c == '<') memcpy(d, "&lt;", 4), d += 4;
        else if (c == '>') memcpy(d, "&gt;", 4), d += 4;
        else *d++ = c;
    }
    o->len = (size_t)(d - o->p);
}

static void ob_json(obuf *o, const char *s, size_t n)
{
    ob_need(o, n * 2 + 2);
    char *d = o->p + o->len;
    *d++ = '"';
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"' || c == '\\') *d++ = '\\';
        *d++ = c;  /* the generator never produces control characters */
    }
    *d++ = '"';
    o->len = (size_t)(d - o->p);
}

/* ---- time ---- */
static void civil(int64_t days, int *y, int *m, int *d)
{
    /* days since 1970-01-01 to a Gregorian date (H. Hinnant's algorithm). */
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* t in units of 100 ns since the epoch. style 0: 2024-06-03T09:14:07.1234567Z,
 * 1: 2024-06-03 09:14:07.123, 2: 06/03/2024 09:14:07 AM */
static int fmt_time(char *out, size_t cap, uint64_t t, int style)
{
    uint64_t secs = t / 10000000, frac = t % 10000000;
    int y, mo, d;
    civil((int64_t)(secs / 86400), &y, &mo, &d);
    int hh = (int)(secs % 86400 / 3600), mi = (int)(secs % 3600 / 60), ss = (int)(secs % 60);
    if (style == 0)
        return snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ", y, mo, d, hh, mi, ss, (int)frac);
    if (style == 1)
        return snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d.%03d", y, mo, d, hh, mi, ss, (int)(frac / 10000));
    int h12 = hh % 12 ? hh % 12 : 12;
    return snprintf(out, cap, "%02d/%02d/%04d %02d:%02d:%02d %s", mo, d, y, h12, mi, ss, hh < 12 ? "AM" : "PM");
}

/* ---- the event being built ---- */
typedef struct kv {
    int field;          /* enum bench_field */
    uint32_t off, len;  /* value in gev.vals */
} kv;

typedef struct gproc {
    char guid[40];
    unsigned pid;
    int img;
    int user;  /* >= 0 user index, or one of the U_* below */
} gproc;
enum { U_SYSTEM = -1, U_NETSVC = -2, U_LOCALSVC = -3, U_IIS = -4 };

#define RING 32
typedef struct hstate {
    gproc ring[RING];
    int nring, next;
} hstate;

typedef struct gen {
    gen_world w;
    uint64_t rng;
    uint64_t t;          /* current time, 100 ns units */
    int format;
    obuf out, iis;
    hstate hs[50];
    /* current event */
    int eid, host;
    uint64_t record;
    unsigned tid;
    char systime[64];
    kv kv[32];
    int nkv;
    char vals[65536];
    uint32_t vlen;
    /* what the current process looks like, for the 4688 renderer */
    gproc cur, parent;
    const char *parent_image, *parent_cmd;
    int attack;
} gen;

static inline uint64_t R(gen *g) { return gen_rand(&g->rng); }
static inline uint64_t RN(gen *g, uint64_t n) { return R(g) % n; }

static void val_begin(gen *g, int field)
{
    assert(g->nkv < 32);
    g->kv[g->nkv].field = field;
    g->kv[g->nkv].off = g->vlen;
}
static void val_end(gen *g)
{
    g->kv[g->nkv].len = g->vlen - g->kv[g->nkv].off;
    g->vals[g->vlen++] = 0;
    g->nkv++;
}
static void vput(gen *g, const char *s, size_t n)
{
    if (g->vlen + n + 1 >= sizeof g->vals) n = sizeof g->vals - g->vlen - 2;
    memcpy(g->vals + g->vlen, s, n);
    g->vlen += (uint32_t)n;
}
static void vputs(gen *g, const char *s) { vput(g, s, strlen(s)); }
static void vprintf_(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vprintf_(gen *g, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) vput(g, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
static void add(gen *g, int field, const char *s)
{
    val_begin(g, field);
    vputs(g, s);
    val_end(g);
}

static const char *kv_get(gen *g, int field)
{
    for (int i = 0; i < g->nkv; i++)
        if (g->kv[i].field == field) return g->vals + g->kv[i].off;
    return "";
}

/* ---- users ---- */
static void put_user(gen *g, int u)
{
    switch (u) {
    case U_SYSTEM: vputs(g, "NT AUTHORITY\\SYSTEM"); break;
    case U_NETSVC: vputs(g, "NT AUTHORITY\\NETWORK SERVICE"); break;
    case U_LOCALSVC: vputs(g, "NT AUTHORITY\\LOCAL SERVICE"); break;
    case U_IIS: vputs(g, "IIS APPPOOL\\DefaultAppPool"); break;
    default: vputs(g, GEN_DOMAIN "\\"); vputs(g, g->w.users[u].sam);
    }
}

static unsigned logon_id(gen *g, int u)
{
    switch (u) {
    case U_SYSTEM: return 0x3e7;
    case U_NETSVC: return 0x3e4;
    case U_LOCALSVC: return 0x3e5;
    default: {
        uint64_t s = (uint64_t)(g->host * 7919 + u * 104729 + 17);
        return (unsigned)(gen_rand(&s) % 0xfffff0 + 0x10000);
    }
    }
}

static int pick_user(gen *g, int cls)
{
    gen_host *h = &g->w.hosts[g->host];
    switch (cls) {
    case UC_SYSTEM: return U_SYSTEM;
    case UC_NETSVC: return U_NETSVC;
    case UC_LOCALSVC: return U_LOCALSVC;
    case UC_IIS: return U_IIS;
    case UC_ADMIN:
        if (h->kind == W_WKS) return h->primary_user;
        return RN(g, 4) ? h->primary_user : g->w.admins[RN(g, (uint64_t)g->w.nadmins)];
    default:
        if (h->kind != W_WKS) return RN(g, 4) ? h->primary_user : g->w.admins[RN(g, (uint64_t)g->w.nadmins)];
        return RN(g, 20) ? h->primary_user : 12 + (int)RN(g, (uint64_t)(g->w.nusers - 12));
    }
}

/* ---- GUIDs and template expansion ---- */
static void make_proc_guid(gen *g, char *out, unsigned tag)
{
    uint64_t r = R(g);
    snprintf(out, 40, "{%s-%04x-%04x-%04x-%012llx}", g->w.hosts[g->host].guid8,
             (unsigned)(r & 0xffff), (unsigned)((r >> 16) & 0xffff), tag,
             (unsigned long long)(0x1000000000ULL | ((r >> 32) & 0xffffffffULL)));
}

static void put_guid(gen *g, int upper)
{
    uint64_t a = R(g), b = R(g);
    vprintf_(g, upper ? "%08X-%04X-%04X-%04X-%012llX" : "%08x-%04x-%04x-%04x-%012llx",
             (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff, (unsigned)(a & 0x0fff) | 0x4000,
             ((unsigned)(b >> 48) & 0x3fff) | 0x8000, (unsigned long long)(b & 0xffffffffffffULL));
}

static void expand(gen *g, const char *tpl, int user, const char *image)
{
    for (const char *p = tpl; *p; p++) {
        if (*p != '%' || !p[1]) {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            if (n == 0) n = 1;
            vput(g, p, n);
            p += n - 1;
            continue;
        }
        switch (*++p) {
        case 'u': vputs(g, user >= 0 ? g->w.users[user].sam : g->w.users[g->w.hosts[g->host].primary_user].sam); break;
        case 'h': vputs(g, g->w.hosts[RN(g, (uint64_t)g->w.nhosts)].name); break;
        case 'n': vprintf_(g, "%u", (unsigned)RN(g, 99999) + 1); break;
        case 'x': vprintf_(g, "%08x", (unsigned)R(g)); break;
        case 'X': vprintf_(g, "%08X", (unsigned)R(g)); break;
        case 'G': put_guid(g, 1); break;
        case 'g': put_guid(g, 0); break;
        case 'f': vputs(g, gen_docs[RN(g, (uint64_t)gen_ndocs)]); break;
        case 't': vprintf_(g, "tmp%04X.tmp", (unsigned)RN(g, 0x10000)); break;
        case 'd': vputs(g, gen_domains[RN(g, (uint64_t)gen_ndomains)]); break;
        case 'i': vprintf_(g, "10.%u.%u.%u", (unsigned)RN(g, 3) * 10 + 10, (unsigned)RN(g, 8), (unsigned)RN(g, 250) + 2); break;
        case 's': vputs(g, gen_services[RN(g, (uint64_t)gen_nservices)]); break;
        case 'p': vputs(g, image); break;
        default: vput(g, p, 1);
        }
    }
}

/* ---- choosing what happens ---- */
static int host_fits(int kind, int where)
{
    switch (where) {
    case W_ANY: return 1;
    case W_WKS: return kind == W_WKS;
    case W_SRV: return kind != W_WKS;
    default: return kind == where;
    }
}

static int pick_image(gen *g)
{
    int kind = g->w.hosts[g->host].kind;
    for (int tries = 0; tries < 16; tries++) {
        uint64_t r = RN(g, g->w.img_total);
        int lo = 0, hi = g->w.nimages - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (g->w.img_cum[mid] > r) hi = mid;
            else lo = mid + 1;
        }
        if (host_fits(kind, g->w.images[lo].where)) return lo;
    }
    return 0; /* svchost.exe */
}

static int find_image(gen *g, const char *suffix)
{
    size_t n = strlen(suffix);
    for (int i = 0; i < g->w.nimages; i++) {
        size_t m = strlen(g->w.images[i].path);
        if (m >= n && !strcmp(g->w.images[i].path + m - n, suffix)) return i;
    }
    fprintf(stderr, "bench-gen: internal: no image %s\n", suffix);
    exit(2);
}

/* The host's one long-lived instance of a parent kind (per user for
 * interactive parents): stable GUID and PID. */
static void parent_of(gen *g, int kind, int user, gproc *out)
{
    uint64_t s = (uint64_t)g->host * 1000003ULL + (uint64_t)kind * 7919ULL +
                 (gen_parents[kind].user == UC_USER ? (uint64_t)(user + 10) * 31ULL : 0) + g->w.img_total;
    uint64_t r = gen_rand(&s);
    snprintf(out->guid, sizeof out->guid, "{%s-%04x-%04x-0000-0010%08x}", g->w.hosts[g->host].guid8,
             (unsigned)(r & 0xffff), (unsigned)((r >> 16) & 0xffff), (unsigned)(r >> 32));
    out->pid = (unsigned)(gen_rand(&s) % 3000 + 100) * 4;
    out->img = -1;
    out->user = user;
}

static void ring_push(gen *g, const gproc *p)
{
    hstate *h = &g->hs[g->host];
    h->ring[h->next] = *p;
    h->next = (h->next + 1) % RING;
    if (h->nring < RING) h->nring++;
}

static const gproc *ring_pick(gen *g)
{
    hstate *h = &g->hs[g->host];
    if (!h->nring) return NULL;
    return &h->ring[RN(g, (uint64_t)h->nring)];
}

/* ---- Sysmon events ---- */
static void sys_begin(gen *g, int eid)
{
    g->eid = eid;
    g->nkv = 0;
    g->vlen = 0;
    gen_host *h = &g->w.hosts[g->host];
    g->record = h->record++;
    g->tid = h->sysmon_pid + 4 * (unsigned)(RN(g, 6) + 1);
    fmt_time(g->systime, sizeof g->systime, g->t, 0);
    add(g, BF_RuleName, RN(g, 10) ? "-" : "");
    char ut[64];
    fmt_time(ut, sizeof ut, g->t - RN(g, 400000), 1);
    add(g, BF_UtcTime, ut);
}

static void put_proc_fields(gen *g, const gproc *p)
{
    add(g, BF_ProcessGuid, p->guid);
    val_begin(g, BF_ProcessId);
    vprintf_(g, "%u", p->pid);
    val_end(g);
    add(g, BF_Image, g->w.images[p->img].path);
}

static void ev_process(gen *g, int attack)
{
    gen_world *w = &g->w;
    int img, user, pkind;
    const char *cmd_fixed = NULL;
    char cmdbuf[512];
    if (attack == A_NONE) {
        img = pick_image(g);
        user = pick_user(g, w->images[img].user);
        pkind = w->images[img].parent;
    } else {
        static const char *const mods[] = {"IsapiFilterCore", "HttpCompressionExt", "ProtocolSupport2", "DynamicCacheModule"};
        static const char *const dirs[] = {"C:\\Windows\\System32\\inetsrv\\", "C:\\ProgramData\\Microsoft\\Crypto\\", "C:\\inetpub\\temp\\", "C:\\Windows\\Temp\\"};
        const char *m = mods[RN(g, 4)], *d = dirs[RN(g, 4)];
        pkind = RN(g, 2) ? PK_CMD : PK_POWERSHELL;
        user = RN(g, 2) ? U_IIS : w->hosts[g->host].primary_user;
        if (attack == A_APPCMD_MODULE) {
            img = find_image(g, "\\appcmd.exe");
            pkind = PK_CMD; /* the technique as the seed describes it: cmd.exe parent */
            snprintf(cmdbuf, sizeof cmdbuf, "C:\\Windows\\system32\\inetsrv\\APPCMD.EXE install module /name:%s /image:%s%s.dll", m, d, m);
        } else if (attack == A_GACUTIL) {
            img = find_image(g, "\\gacutil.exe");
            snprintf(cmdbuf, sizeof cmdbuf, "gacutil.exe /i %s%s.dll", d, m);
        } else {
            img = find_image(g, "\\appcmd.exe");
            if (RN(g, 2)) snprintf(cmdbuf, sizeof cmdbuf, "C:\\Windows\\system32\\inetsrv\\appcmd.exe set config /section:httplogging /dontLog:true");
            else snprintf(cmdbuf, sizeof cmdbuf, "C:\\Windows\\system32\\inetsrv\\appcmd.exe set config \"Default Web Site\" /section:httplogging /dontLog:true");
        }
        cmd_fixed = cmdbuf;
    }
    const gen_image *im = &w->images[img];
    gproc p;
    make_proc_guid(g, p.guid, 0);
    p.pid = (unsigned)(RN(g, 16000) + 100) * 4;
    p.img = img;
    p.user = user;
    parent_of(g, pkind, user, &g->parent);
    g->cur = p;
    g->parent_image = gen_parents[pkind].image;
    g->attack = attack;

    sys_begin(g, 1);
    put_proc_fields(g, &p);
    add(g, BF_FileVersion, im->version);
    add(g, BF_Description, im->desc);
    add(g, BF_Product, im->product);
    add(g, BF_Company, im->company);
    add(g, BF_OriginalFileName, im->orig);
    val_begin(g, BF_CommandLine);
    if (cmd_fixed) vputs(g, cmd_fixed);
    else {
        int nc = 0;
        while (nc < 4 && im->cmds[nc]) nc++;
        expand(g, im->cmds[RN(g, (uint64_t)nc)], user, im->path);
    }
    val_end(g);
    val_begin(g, BF_CurrentDirectory);
    if (user >= 0 && im->user != UC_SYSTEM) {
        vputs(g, "C:\\Users\\");
        vputs(g, w->users[user].sam);
        vputs(g, "\\");
    } else if (user == U_IIS) vputs(g, "c:\\windows\\system32\\inetsrv\\");
    else vputs(g, "C:\\Windows\\system32\\");
    val_end(g);
    val_begin(g, BF_User);
    put_user(g, user);
    val_end(g);
    unsigned lid = logon_id(g, user);
    val_begin(g, BF_LogonGuid);
    vprintf_(g, "{%s-%04x-%04x-0000-0020%02x%02x%02x%02x}", w->hosts[g->host].guid8, lid & 0xffff, (lid >> 3) & 0xffff,
             lid & 0xff, (lid >> 8) & 0xff, (lid >> 16) & 0xff, (lid >> 24) & 0xff);
    val_end(g);
    val_begin(g, BF_LogonId);
    vprintf_(g, "0x%x", lid);
    val_end(g);
    add(g, BF_TerminalSessionId, user < 0 ? "0" : (w->hosts[g->host].kind == W_WKS ? "1" : "2"));
    add(g, BF_IntegrityLevel, user == U_SYSTEM || user == U_NETSVC || user == U_LOCALSVC ? "System"
                              : (user == U_IIS || user < 12) ? "High" : "Medium");
    add(g, BF_Hashes, im->hashes);
    add(g, BF_ParentProcessGuid, g->parent.guid);
    val_begin(g, BF_ParentProcessId);
    vprintf_(g, "%u", g->parent.pid);
    val_end(g);
    add(g, BF_ParentImage, gen_parents[pkind].image);
    val_begin(g, BF_ParentCommandLine);
    vputs(g, gen_parents[pkind].cmd);
    if (attack != A_NONE && pkind == PK_CMD) vputs(g, "/c cd /d \"C:\\inetpub\\wwwroot\"");
    else if (attack != A_NONE) vputs(g, "-NoProfile -ExecutionPolicy Bypass");
    val_end(g);
    g->parent_cmd = kv_get(g, BF_ParentCommandLine);
    ring_push(g, &p);
}

static int is_browserish(const char *path)
{
    return strstr(path, "chrome.exe") || strstr(path, "msedge.exe") || strstr(path, "firefox.exe") ||
           strstr(path, "OUTLOOK") || strstr(path, "ms-teams") || strstr(path, "OneDrive") || strstr(path, "Code.exe");
}

static void put_ip_for(gen *g, const char *name)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = name; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    if (strstr(name, GEN_DNS_DOMAIN)) vprintf_(g, "10.10.1.%u", (unsigned)(h % 200) + 20);
    else {
        static const char *const nets[] = {"198.51.100.", "203.0.113.", "192.0.2."};
        vprintf_(g, "%s%u", nets[h % 3], (unsigned)((h >> 8) % 250) + 2);
    }
}

/* Programs that do not open network connections themselves. */
static int is_quiet(const char *path)
{
    static const char *const quiet[] = {
        "\\conhost.exe", "\\cmd.exe", "\\notepad.exe", "\\timeout.exe", "\\findstr.exe",
        "\\HOSTNAME.EXE", "\\tasklist.exe", "\\reg.exe", "\\sc.exe", "\\7z.exe", "\\consent.exe",
        "\\ctfmon.exe", "\\fontdrvhost.exe", "\\sihost.exe", "\\userinit.exe", "\\LogonUI.exe",
        "\\csc.exe", "\\cvtres.exe", "\\audiodg.exe", "\\SearchFilterHost.exe", "\\ipconfig.exe",
        "\\systeminfo.exe", "\\appcmd.exe", "\\gacutil.exe", "\\iisreset.exe", "\\WerFault.exe",
    };
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        size_t m = strlen(quiet[i]);
        if (n >= m && !strcasecmp(path + n - m, quiet[i])) return 1;
    }
    return 0;
}

static void ev_network(gen *g)
{
    const gproc *pp = ring_pick(g);
    for (int tries = 0; pp && tries < 6 && is_quiet(g->w.images[pp->img].path); tries++) pp = ring_pick(g);
    if (pp && is_quiet(g->w.images[pp->img].path)) pp = NULL;
    gproc tmp;
    if (!pp) {
        make_proc_guid(g, tmp.guid, 0);
        tmp.pid = 1234;
        tmp.img = 0;
        tmp.user = U_NETSVC;
        pp = &tmp;
    }
    gproc p = *pp;
    gen_host *h = &g->w.hosts[g->host];
    const char *path = g->w.images[p.img].path;
    const char *dest = NULL, *proto = "tcp", *pname = "";
    unsigned port;
    int inbound = 0;
    if (strstr(path, "w3wp.exe")) inbound = 1, port = 443, pname = "https";
    else if (is_browserish(path)) {
        static const char *const ext[] = {"www.example.com", "login.example.net", "cdn.example.org", "api.example.io", "mail.example.com", "static.example.org", "docs.example.com"};
        dest = ext[RN(g, 7)];
        if (RN(g, 10)) port = 443, pname = "https";
        else port = 80, pname = "http";
    } else if (strstr(path, "Splunk")) {
        dest = "splunk-idx01." GEN_DNS_DOMAIN;
        port = RN(g, 5) ? 9997 : 8089;
    } else {
        switch (RN(g, 6)) {
        case 0: dest = "dc01." GEN_DNS_DOMAIN, port = 389, pname = "ldap"; break;
        case 1: dest = "dc02." GEN_DNS_DOMAIN, port = 88, pname = "kerberos"; break;
        case 2: dest = "dc01." GEN_DNS_DOMAIN, port = 53, pname = "domain", proto = "udp"; break;
        case 3: dest = "fs01." GEN_DNS_DOMAIN, port = 445, pname = "microsoft-ds"; break;
        case 4: dest = "proxy." GEN_DNS_DOMAIN, port = 8080, pname = "http-alt"; break;
        default: dest = "updates.example.com", port = 443, pname = "https";
        }
    }
    sys_begin(g, 3);
    put_proc_fields(g, &p);
    val_begin(g, BF_User);
    put_user(g, p.user);
    val_end(g);
    add(g, BF_Protocol, proto);
    add(g, BF_Initiated, inbound ? "false" : "true");
    add(g, BF_SourceIsIpv6, "false");
    unsigned eph = 49152 + (unsigned)RN(g, 16000);
    if (inbound) {
        val_begin(g, BF_SourceIp);
        vprintf_(g, "10.20.%u.%u", (unsigned)RN(g, 8), (unsigned)RN(g, 250) + 2);
        val_end(g);
        add(g, BF_SourceHostname, "-");
        val_begin(g, BF_SourcePort);
        vprintf_(g, "%u", eph);
        val_end(g);
        add(g, BF_SourcePortName, "-");
        add(g, BF_DestinationIsIpv6, "false");
        add(g, BF_DestinationIp, h->ip);
        add(g, BF_DestinationHostname, h->fqdn);
    } else {
        add(g, BF_SourceIp, h->ip);
        add(g, BF_SourceHostname, h->fqdn);
        val_begin(g, BF_SourcePort);
        vprintf_(g, "%u", eph);
        val_end(g);
        add(g, BF_SourcePortName, "-");
        add(g, BF_DestinationIsIpv6, "false");
        val_begin(g, BF_DestinationIp);
        put_ip_for(g, dest);
        val_end(g);
        add(g, BF_DestinationHostname, dest);
    }
    val_begin(g, BF_DestinationPort);
    vprintf_(g, "%u", port);
    val_end(g);
    add(g, BF_DestinationPortName, *pname ? pname : "-");
}

static void ev_file(gen *g)
{
    const gproc *pp = ring_pick(g);
    gproc tmp;
    if (!pp) {
        make_proc_guid(g, tmp.guid, 0);
        tmp.pid = 4;
        tmp.img = 0;
        tmp.user = U_SYSTEM;
        pp = &tmp;
    }
    gproc p = *pp;
    const char *path = g->w.images[p.img].path;
    const char *base = strrchr(path, '\\') ? strrchr(path, '\\') + 1 : path;
    sys_begin(g, 11);
    put_proc_fields(g, &p);
    val_begin(g, BF_TargetFilename);
    const char *u = p.user >= 0 ? g->w.users[p.user].sam : g->w.users[g->w.hosts[g->host].primary_user].sam;
    switch (RN(g, 6)) {
    case 0: {
        char up[64];
        size_t i = 0;
        for (; base[i] && i < sizeof up - 1; i++) up[i] = (char)(base[i] >= 'a' && base[i] <= 'z' ? base[i] - 32 : base[i]);
        up[i] = 0;
        vprintf_(g, "C:\\Windows\\Prefetch\\%s-%08X.pf", up, (unsigned)R(g));
        break;
    }
    case 1:
        if (is_browserish(path)) vprintf_(g, "C:\\Users\\%s\\Downloads\\%s", u, gen_docs[RN(g, (uint64_t)gen_ndocs)]);
        else vprintf_(g, "C:\\Windows\\Temp\\tmp%04X.tmp", (unsigned)RN(g, 0x10000));
        break;
    case 2:
        vprintf_(g, "C:\\Users\\%s\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.MSO\\%08X.tmp", u, (unsigned)R(g));
        break;
    case 3:
        vprintf_(g, "C:\\Users\\%s\\Documents\\~$%s", u, gen_docs[RN(g, (uint64_t)gen_ndocs)]);
        break;
    default:
        if (!strstr(path, "powershell")) {
            vprintf_(g, "C:\\Users\\%s\\AppData\\Local\\Temp\\%s%04X.tmp", u, p.user >= 0 ? "~DF" : "tmp", (unsigned)RN(g, 0x10000));
            break;
        }
        vprintf_(g, "C:\\Users\\%s\\AppData\\Local\\Temp\\__PSScriptPolicyTest_%c%c%c%c%c%c%c%c.%c%c%c.ps1", u,
                 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26),
                 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26),
                 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26), 'a' + (int)RN(g, 26));
    }
    val_end(g);
    char ct[64];
    fmt_time(ct, sizeof ct, g->t - RN(g, 10000000ULL * 86400 * 30), 1);
    add(g, BF_CreationUtcTime, ct);
}

/* ---- renderers ---- */
static void render_xml(gen *g)
{
    obuf *o = &g->out;
    gen_host *h = &g->w.hosts[g->host];
    ob_lit(o, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>");
    ob_u64(o, (uint64_t)g->eid);
    ob_lit(o, "</EventID><Version>");
    ob_u64(o, g->eid == 11 ? 2 : 5);
    ob_lit(o, "</Version><Level>4</Level><Task>");
    ob_u64(o, (uint64_t)g->eid);
    ob_lit(o, "</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='");
    ob_str(o, g->systime);
    ob_lit(o, "'/><EventRecordID>");
    ob_u64(o, g->record);
    ob_lit(o, "</EventRecordID><Correlation/><Execution ProcessID='");
    ob_u64(o, h->sysmon_pid);
    ob_lit(o, "' ThreadID='");
    ob_u64(o, g->tid);
    ob_lit(o, "'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>");
    ob_str(o, h->fqdn);
    ob_lit(o, "</Computer><Security UserID='S-1-5-18'/></System><EventData>");
    for (int i = 0; i < g->nkv; i++) {
        ob_lit(o, "<Data Name='");
        ob_str(o, bench_field_names[g->kv[i].field]);
        ob_lit(o, "'>");
        ob_xml(o, g->vals + g->kv[i].off, g->kv[i].len);
        ob_lit(o, "</Data>");
    }
    ob_lit(o, "</EventData></Event>\n");
}

static void system_values(gen *g, const char *v[BF_COUNT], char *nb)
{
    /* nb: scratch for the numbers, >= 96 bytes */
    gen_host *h = &g->w.hosts[g->host];
    v[BF_Name] = "Microsoft-Windows-Sysmon";
    v[BF_Guid] = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}";
    snprintf(nb, 8, "%d", g->eid);
    v[BF_EventID] = v[BF_Task] = nb;
    v[BF_Version] = g->eid == 11 ? "2" : "5";
    v[BF_Level] = "4";
    v[BF_Opcode] = "0";
    v[BF_Keywords] = "0x8000000000000000";
    v[BF_SystemTime] = g->systime;
    snprintf(nb + 8, 24, "%llu", (unsigned long long)g->record);
    v[BF_EventRecordID] = nb + 8;
    snprintf(nb + 32, 16, "%u", h->sysmon_pid);
    v[BF_ProcessID] = nb + 32;
    snprintf(nb + 48, 16, "%u", g->tid);
    v[BF_ThreadID] = nb + 48;
    v[BF_Channel] = "Microsoft-Windows-Sysmon/Operational";
    v[BF_Computer] = h->fqdn;
    v[BF_UserID] = "S-1-5-18";
}

static void put_epoch(obuf *o, uint64_t t)
{
    ob_u64(o, t / 10000000);
    char f[8];
    snprintf(f, sizeof f, ".%03u", (unsigned)(t % 10000000 / 10000));
    ob_str(o, f);
}

static void render_json(gen *g)
{
    obuf *o = &g->out;
    const char *v[BF_COUNT] = {0};
    char nb[96];
    system_values(g, v, nb);
    ob_lit(o, "{\"_time\":");
    put_epoch(o, g->t);
    ob_lit(o, ",\"host\":");
    ob_json(o, v[BF_Computer], strlen(v[BF_Computer]));
    ob_lit(o, ",\"source\":\"" BENCH_SOURCE_SYSMON "\",\"sourcetype\":\"" BENCH_SOURCETYPE_XML "\"");
    for (int f = 0; f <= BF_UserID; f++) {
        ob_lit(o, ",\"");
        ob_str(o, bench_field_names[f]);
        ob_lit(o, "\":");
        ob_json(o, v[f], strlen(v[f]));
        /* splite's XmlWinEventLog reader adds EventCode (as Splunk does);
         * the JSON lines carry it so both give the same fields. */
        if (f == BF_EventID) {
            ob_lit(o, ",\"EventCode\":");
            ob_json(o, v[f], strlen(v[f]));
        }
    }
    for (int i = 0; i < g->nkv; i++) {
        ob_lit(o, ",\"");
        ob_str(o, bench_field_names[g->kv[i].field]);
        ob_lit(o, "\":");
        ob_json(o, g->vals + g->kv[i].off, g->kv[i].len);
    }
    ob_lit(o, "}\n");
}

static void render_tsv(gen *g)
{
    obuf *o = &g->out;
    const char *v[BF_COUNT] = {0};
    char nb[96];
    system_values(g, v, nb);
    for (int i = 0; i < g->nkv; i++) v[g->kv[i].field] = g->vals + g->kv[i].off;
    put_epoch(o, g->t);
    for (int f = 0; f < BF_COUNT; f++) {
        ob_chr(o, '\t');
        if (v[f]) ob_str(o, v[f]);
        else ob_lit(o, "\\N");
    }
    ob_chr(o, '\n');
}

/* Security 4688 in the classic rendering, from the process just built. */
static void render_4688(gen *g)
{
    obuf *o = &g->out;
    gen_host *h = &g->w.hosts[g->host];
    char ts[64], tmp[160];
    fmt_time(ts, sizeof ts, g->t, 2);
    ob_str(o, ts);
    ob_lit(o, "\nLogName=Security\nEventCode=4688\nEventType=0\nComputerName=");
    ob_str(o, h->fqdn);
    ob_lit(o, "\nSourceName=Microsoft Windows security auditing.\nType=Information\nRecordNumber=");
    ob_u64(o, h->sec_record++);
    ob_lit(o, "\nKeywords=Audit Success\nTaskCategory=Process Creation\nOpCode=Info\n"
              "Message=A new process has been created.\n\nCreator Subject:\n\tSecurity ID:\t\t");
    int u = g->cur.user;
    const char *sid = u >= 0 ? g->w.users[u].sid : u == U_SYSTEM ? "S-1-5-18" : u == U_NETSVC ? "S-1-5-20"
                      : u == U_LOCALSVC ? "S-1-5-19" : "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415";
    ob_str(o, sid);
    ob_lit(o, "\n\tAccount Name:\t\t");
    if (u >= 0) ob_str(o, g->w.users[u].sam);
    else if (u == U_IIS) ob_lit(o, "DefaultAppPool");
    else {
        ob_str(o, h->name);
        ob_chr(o, '$');
    }
    ob_lit(o, "\n\tAccount Domain:\t\t");
    ob_str(o, u == U_IIS ? "IIS APPPOOL" : GEN_DOMAIN);
    snprintf(tmp, sizeof tmp, "\n\tLogon ID:\t\t0x%X\n", logon_id(g, u));
    ob_str(o, tmp);
    ob_lit(o, "\nTarget Subject:\n\tSecurity ID:\t\tS-1-0-0\n\tAccount Name:\t\t-\n\tAccount Domain:\t\t-\n\tLogon ID:\t\t0x0\n"
              "\nProcess Information:\n\tNew Process ID:\t\t");
    snprintf(tmp, sizeof tmp, "0x%x", g->cur.pid);
    ob_str(o, tmp);
    ob_lit(o, "\n\tNew Process Name:\t");
    ob_str(o, g->w.images[g->cur.img].path);
    int elevated = u < 12 && u >= 0;
    ob_lit(o, "\n\tToken Elevation Type:\t");
    ob_str(o, u < 0 ? "%%1936" : elevated ? "%%1937" : "%%1938");
    ob_lit(o, "\n\tMandatory Label:\t\t");
    ob_str(o, u == U_SYSTEM || u == U_NETSVC || u == U_LOCALSVC ? "S-1-16-16384" : (elevated || u == U_IIS) ? "S-1-16-12288" : "S-1-16-8192");
    snprintf(tmp, sizeof tmp, "\n\tCreator Process ID:\t0x%x\n\tCreator Process Name:\t", g->parent.pid);
    ob_str(o, tmp);
    ob_str(o, g->parent_image);
    ob_lit(o, "\n\tProcess Command Line:\t");
    ob_str(o, kv_get(g, BF_CommandLine));
    ob_lit(o, "\n\nToken Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.\n\n"
              "Type 1 is a full token with no privileges removed or groups disabled.  A full token is only used if User Account Control is disabled or if the user is the built-in Administrator account or a service account.\n\n"
              "Type 2 is an elevated token with no privileges removed or groups disabled.  An elevated token is used when User Account Control is enabled and the user chooses to start the program using Run as administrator.  An elevated token is also used when an application is configured to always require administrative privilege or to always require maximum privilege, and the user is a member of the Administrators group.\n\n"
              "Type 3 is a limited token with administrative privileges removed and administrative groups disabled.  The limited token is used when User Account Control is enabled, the application does not require administrative privilege, and the user does not choose to start the program using Run as administrator.\n\n");
}

/* IIS-Configuration/Operational 29: a configuration change was committed. */
static void render_iis29(gen *g, const char *what)
{
    obuf *o = g->iis.f ? &g->iis : &g->out;
    gen_host *h = &g->w.hosts[g->host];
    char ts[64];
    fmt_time(ts, sizeof ts, g->t + 2000000, 2);
    ob_str(o, ts);
    ob_lit(o, "\nLogName=Microsoft-IIS-Configuration/Operational\nEventCode=29\nEventType=4\nComputerName=");
    ob_str(o, h->fqdn);
    ob_lit(o, "\nUser=NOT_TRANSLATED\nSid=");
    ob_str(o, g->cur.user >= 0 ? g->w.users[g->cur.user].sid : "S-1-5-18");
    ob_lit(o, "\nSidType=0\nSourceName=Microsoft-Windows-IIS-Configuration\nType=Information\nRecordNumber=");
    ob_u64(o, h->iis_record++);
    ob_lit(o, "\nKeywords=None\nTaskCategory=None\nOpCode=Info\nMessage=Changes to '");
    ob_str(o, what);
    ob_lit(o, "' have successfully been committed.\n\n");
}

/* ---- main ---- */
static void usage(void)
{
    fprintf(stderr,
            "usage: bench-gen --format xml|json|tsv|wineventlog --events N [--seed S]\n"
            "                 [--inject-attacks K] [--iis-out FILE] [--start EPOCH] [--per-hour N]\n"
            "Writes N events to stdout. xml/json/tsv: Sysmon 1 (60%%), 3 (25%%), 11 (15%%);\n"
            "tsv is the pre-split form bench-refload --mode tsv loads (first column _time,\n"
            "then the columns of bench_fields.h, \\N for absent). wineventlog: Security 4688\n"
            "in the classic multi-line format; with --inject-attacks also IIS-Configuration\n"
            "EventCode 29 events (into --iis-out FILE if given). Expected detection counts\n"
            "and the attack positions go to stderr. Events start at --start (seconds since\n"
            "1970, default 2024-06-03T00:00:00Z), --per-hour N apart on average (default\n"
            "36000: 100 ms).\n");
}

int main(int argc, char **argv)
{
    static gen g;
    long long n = -1, k = 0, start = 1717372800, per_hour = 36000;
    uint64_t seed = 20240603;
    const char *iis_path = NULL;
    g.format = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        }
        if (!v) {
            fprintf(stderr, "bench-gen: %s: missing value or unknown option\n", a);
            usage();
            return 2;
        }
        i++;
        if (!strcmp(a, "--format")) {
            g.format = !strcmp(v, "xml") ? F_XML : !strcmp(v, "json") ? F_JSON : !strcmp(v, "tsv") ? F_TSV
                     : !strcmp(v, "wineventlog") ? F_WINEVENTLOG : -2;
            if (g.format == -2) {
                fprintf(stderr, "bench-gen: unknown format '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--events")) n = atoll(v);
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--inject-attacks")) k = atoll(v);
        else if (!strcmp(a, "--iis-out")) iis_path = v;
        else if (!strcmp(a, "--start")) start = atoll(v);
        else if (!strcmp(a, "--per-hour")) per_hour = atoll(v);
        else {
            fprintf(stderr, "bench-gen: unknown option %s\n", a);
            usage();
            return 2;
        }
    }
    if (g.format < 0 || n < 0 || k < 0 || start < 0 || per_hour < 1 || per_hour > 1800000000LL) {
        usage();
        return 2;
    }
    if (3 * k > n) {
        fprintf(stderr, "bench-gen: --inject-attacks %lld needs at least %lld events\n", k, 3 * k);
        return 2;
    }
    gen_data_init(&g.w, seed);
    g.rng = seed * 0x9e3779b97f4a7c15ULL + 1;
    g.t = (uint64_t)start * 10000000ULL; /* default 2024-06-03T00:00:00Z */
    /* steps of 1 + [0, step) units of 100 ns: per_hour events an hour */
    uint64_t step = 2 * 36000000000ULL / (uint64_t)per_hour;
    g.out.cap = 4 << 20;
    g.out.p = malloc(g.out.cap);
    g.out.f = stdout;
    if (iis_path) {
        g.iis.f = fopen(iis_path, "w");
        if (!g.iis.f) {
            perror(iis_path);
            return 1;
        }
        g.iis.cap = 1 << 20;
        g.iis.p = malloc(g.iis.cap);
    }
    if (g.format == F_TSV) {
        ob_lit(&g.out, "_time");
        for (int f = 0; f < BF_COUNT; f++) {
            ob_chr(&g.out, '\t');
            ob_str(&g.out, bench_field_names[f]);
        }
        ob_chr(&g.out, '\n');
    }
    long long slots = 3 * k, next_slot = 0;
    long long next_pos = slots ? n / (slots + 1) : -1;
    long long first_pos[A_COUNT] = {-1, -1, -1};
    int iis_rot = 0;
    long long iis29 = 0;
    for (long long i = 0; i < n; i++) {
        g.t += 1 + RN(&g, step); /* default: 100 ms apart on average */
        int attack = A_NONE;
        if (i == next_pos) {
            attack = (int)(next_slot % 3);
            if (first_pos[attack] < 0) first_pos[attack] = i;
            next_slot++;
            next_pos = next_slot < slots ? (next_slot + 1) * n / (slots + 1) : -1;
            if (next_pos == i) next_pos++; /* tiny n: keep the slots distinct */
            g.host = g.w.iis_hosts[iis_rot++ % g.w.niis];
        } else g.host = (int)RN(&g, (uint64_t)g.w.nhosts);
        if (g.format == F_WINEVENTLOG) {
            ev_process(&g, attack);
            render_4688(&g);
            if (attack == A_APPCMD_MODULE) {
                char what[256];
                const char *cl = kv_get(&g, BF_CommandLine), *nm = strstr(cl, "/name:");
                int len = nm ? (int)strcspn(nm + 6, " ") : 0;
                snprintf(what, sizeof what, "/system.webServer/globalModules/add[@name='%.*s']' at 'MACHINE/WEBROOT/APPHOST", len, nm ? nm + 6 : "");
                render_iis29(&g, what);
                iis29++;
            } else if (attack == A_HTTPLOGGING) {
                render_iis29(&g, "/system.webServer/httpLogging/@dontLog' at 'MACHINE/WEBROOT/APPHOST/Default Web Site");
                iis29++;
            }
            continue;
        }
        uint64_t r = RN(&g, 100);
        if (attack != A_NONE || r < 60) ev_process(&g, attack);
        else if (r < 85) ev_network(&g);
        else ev_file(&g);
        if (g.format == F_XML) render_xml(&g);
        else if (g.format == F_JSON) render_json(&g);
        else render_tsv(&g);
    }
    ob_flush(&g.out);
    if (g.iis.f) {
        ob_flush(&g.iis);
        fclose(g.iis.f);
        free(g.iis.p);
    }
    if (fflush(stdout) != 0) {
        perror("bench-gen: stdout");
        return 1;
    }
    if (k > 0) {
        fprintf(stderr, "bench-gen: seed=%llu events=%lld injected=%lld (every %lld-th event from index %lld)\n",
                (unsigned long long)seed, n, slots, n / (slots + 1), n / (slots + 1));
        fprintf(stderr, "expected appcmd_install_module=%lld  # windows_iis_components_add_new_module; sigma IIS native-code module cmdline (first at %lld)\n", k, first_pos[0]);
        fprintf(stderr, "expected gacutil_install=%lld  # windows_server_software_component_gacutil_install_to_gac; sigma webserver IIS module installed (first at %lld)\n", k, first_pos[1]);
        fprintf(stderr, "expected appcmd_disable_httplogging=%lld  # windows_disable_windows_event_logging_disable_http_logging (first at %lld)\n", k, first_pos[2]);
        if (g.format == F_WINEVENTLOG)
            fprintf(stderr, "expected iis_config_29=%lld  # windows_iis_components_new_module_added (EventCode=29, sourcetype IIS:Configuration:Operational)\n", iis29);
    }
    free(g.out.p);
    gen_data_free(&g.w);
    return 0;
}
