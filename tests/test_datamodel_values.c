/* test_datamodel_values.c: the shipped expressions compute the values Splunk
 * would show, run by splite's own SPL engine. Made-up XmlWinEventLog events
 * are ingested with `splite ingest`; then, per event kind, the alias sets that
 * apply (in order, as `| eval` steps) or a data model source plus its data
 * set's calculated fields are evaluated with `splite search` and the results
 * compared. Skipped (77) when SPLITE_BIN is not given; a search that fails
 * at all is a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datamodel.h"
#include "util.h"

static const char *bin;
static char tmpdir[] = "/tmp/splite-dmv-XXXXXX";
static char *db_path;
static dm_registry *reg;

#define EV_HEAD "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"

static const char sysmon_log[] =
    EV_HEAD "<Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/>"
    "<EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode>"
    "<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2026-01-05T10:11:12.1234567Z'/>"
    "<EventRecordID>501</EventRecordID><Correlation/><Execution ProcessID='2100' ThreadID='2200'/>"
    "<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>lab-03.example.test</Computer>"
    "<Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data>"
    "<Data Name='UtcTime'>2026-01-05 10:11:12.120</Data><Data Name='ProcessGuid'>{aaaa0000-1111-2222-3333-444455556666}</Data>"
    "<Data Name='ProcessId'>4321</Data><Data Name='Image'>C:\\Windows\\System32\\inetsrv\\appcmd.exe</Data>"
    "<Data Name='OriginalFileName'>appcmd.exe</Data>"
    "<Data Name='CommandLine'>\"C:\\Windows\\System32\\inetsrv\\appcmd.exe\" list modules</Data>"
    "<Data Name='CurrentDirectory'>C:\\Users\\kim\\</Data><Data Name='User'>LAB\\kim</Data>"
    "<Data Name='IntegrityLevel'>High</Data>"
    "<Data Name='Hashes'>SHA1=00AA,MD5=11BB,SHA256=22CC,IMPHASH=33DD</Data>"
    "<Data Name='ParentProcessGuid'>{bbbb0000-1111-2222-3333-444455556666}</Data>"
    "<Data Name='ParentProcessId'>1234</Data><Data Name='ParentImage'>C:\\Windows\\System32\\cmd.exe</Data>"
    "<Data Name='ParentCommandLine'>cmd.exe /k</Data></EventData></Event>\n";

static const char security_log[] =
    EV_HEAD "<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
    "<EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode>"
    "<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2026-01-05T10:11:13.0000000Z'/>"
    "<EventRecordID>9001</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='88'/>"
    "<Channel>Security</Channel><Computer>lab-03.example.test</Computer><Security/></System><EventData>"
    "<Data Name='SubjectUserSid'>S-1-5-21-9-8-7-1105</Data><Data Name='SubjectUserName'>kim</Data>"
    "<Data Name='SubjectDomainName'>LAB</Data><Data Name='SubjectLogonId'>0x3a1f</Data>"
    "<Data Name='NewProcessId'>0x1a2c</Data><Data Name='NewProcessName'>C:\\Windows\\System32\\whoami.exe</Data>"
    "<Data Name='TokenElevationType'>%%1937</Data><Data Name='ProcessId'>0x77c</Data>"
    "<Data Name='CommandLine'>whoami /all</Data><Data Name='TargetUserSid'>S-1-0-0</Data>"
    "<Data Name='TargetUserName'>-</Data><Data Name='TargetDomainName'>-</Data>"
    "<Data Name='TargetLogonId'>0x0</Data><Data Name='ParentProcessName'>C:\\Windows\\System32\\cmd.exe</Data>"
    "<Data Name='MandatoryLabel'>S-1-16-12288</Data></EventData></Event>\n";

static const char powershell_log[] =
    EV_HEAD "<Provider Name='Microsoft-Windows-PowerShell' Guid='{a0c1853b-5c40-4b15-8766-3cf1c58f985a}'/>"
    "<EventID>4104</EventID><Version>1</Version><Level>5</Level><Task>2</Task><Opcode>15</Opcode>"
    "<Keywords>0x0</Keywords><TimeCreated SystemTime='2026-01-05T10:11:14.0000000Z'/>"
    "<EventRecordID>77</EventRecordID><Correlation ActivityID='{cccc0000-1111-2222-3333-444455556666}'/>"
    "<Execution ProcessID='3100' ThreadID='3200'/><Channel>Microsoft-Windows-PowerShell/Operational</Channel>"
    "<Computer>lab-03.example.test</Computer><Security UserID='S-1-5-21-9-8-7-1105'/></System><EventData>"
    "<Data Name='MessageNumber'>1</Data><Data Name='MessageTotal'>1</Data>"
    "<Data Name='ScriptBlockText'>Get-WebGlobalModule</Data>"
    "<Data Name='ScriptBlockId'>{dddd0000-1111-2222-3333-444455556666}</Data><Data Name='Path'></Data>"
    "</EventData></Event>\n";

/* 2282 twice: with named <Data> and, as the classic provider writes it,
 * with unnamed ones. */
static const char application_log[] =
    EV_HEAD "<Provider Name='Microsoft-Windows-IIS-W3SVC-WP' Guid='{670080d9-742a-4187-8d16-41143d1290bd}' "
    "EventSourceName='W3SVC-WP'/><EventID Qualifiers='49152'>2282</EventID><Version>0</Version><Level>2</Level>"
    "<Task>0</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords>"
    "<TimeCreated SystemTime='2026-01-05T10:11:15.0000000Z'/><EventRecordID>3001</EventRecordID><Correlation/>"
    "<Execution ProcessID='0' ThreadID='0'/><Channel>Application</Channel><Computer>lab-03.example.test</Computer>"
    "<Security/></System><EventData><Data Name='ModuleDll'>C:\\inetpub\\mods\\one.dll</Data>"
    "<Data Name='ProcessorArchitecture'>x86</Data><Binary>C1000000</Binary></EventData></Event>\n"
    EV_HEAD "<Provider Name='W3SVC-WP'/><EventID Qualifiers='49152'>2282</EventID><Level>2</Level><Task>0</Task>"
    "<Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='2026-01-05T10:11:16.0000000Z'/>"
    "<EventRecordID>3002</EventRecordID><Channel>Application</Channel><Computer>lab-04.example.test</Computer>"
    "<Security/></System><EventData><Data>C:\\inetpub\\mods\\two.dll</Data><Data>AMD64</Data>"
    "<Binary>7E000000</Binary></EventData></Event>\n";

static int run(char *const argv[], char **out)
{
    char outfile[256];
    snprintf(outfile, sizeof outfile, "%s/out", tmpdir);
    int fd = open(outfile, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd, 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0 && !getenv("DMV_VERBOSE")) dup2(devnull, 2);
        execv(bin, argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (out) {
        sbuf b = {0};
        char buf[4096];
        ssize_t n;
        lseek(fd, 0, SEEK_SET);
        while ((n = read(fd, buf, sizeof buf)) > 0) sbuf_addn(&b, buf, (size_t)n);
        *out = sbuf_detach(&b);
    }
    close(fd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int search(const char *spl, char **out)
{
    char *argv[] = {(char *)bin, "--db", db_path, "search", "--format", "jsonl", (char *)spl, NULL};
    return run(argv, out);
}

static void ingest(const char *name, const char *text, const char *source)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    char *argv[] = {(char *)bin, "--db", db_path, "ingest", "--sourcetype", "XmlWinEventLog", "--source",
                    (char *)source, path, NULL};
    assert_int_equal(run(argv, NULL), 0);
    free(path);
}

/* assignments as `| eval` steps; kind as an alias entry's (dm_alias_kind) */
static void add_evals(sbuf *q, const dm_assign *as, size_t n, dm_alias_kind kind)
{
    for (size_t i = 0; i < n; i++) {
        const dm_assign *a = &as[i];
        char *f = strchr(a->field, '.') ? xasprintf("'%s'", a->field) : xstrdup(a->field);
        if (kind == DM_KIND_ALIAS) sbuf_printf(q, " | eval %s=coalesce(%s, %s)", f, a->expr, f);
        else if (kind == DM_KIND_ASNEW) sbuf_printf(q, " | eval %s=coalesce(%s, %s)", f, f, a->expr);
        else sbuf_printf(q, " | eval %s=%s", f, a->expr);
        free(f);
    }
}

/* Run q | table fields..., return the rows (JSON array of objects). */
static json_t *rows_of(sbuf *q, const char *const *fields)
{
    sbuf_add(q, " | table");
    for (size_t i = 0; fields[i]; i++) sbuf_printf(q, " %s", fields[i]);
    char *out = NULL;
    int rc = search(q->s, &out);
    if (rc != 0) fail_msg("search failed (%d): %s", rc, q->s);
    json_t *rows = json_array();
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_error_t e;
        json_t *o = json_loads(line, 0, &e);
        if (!o) fail_msg("bad output line: %s", line);
        json_array_append_new(rows, o);
    }
    free(out);
    return rows;
}

/* "field=value" checks on one row; value "-" means absent/null. */
static void expect_row(json_t *row, const char *const *checks)
{
    for (size_t i = 0; checks[i]; i++) {
        const char *eq = strchr(checks[i], '=');
        assert_non_null(eq);
        char *field = xstrndup(checks[i], (size_t)(eq - checks[i]));
        json_t *v = json_object_get(row, field);
        char *got = NULL;
        if (json_is_string(v)) got = xstrdup(json_string_value(v));
        else if (json_is_integer(v)) got = xasprintf("%lld", (long long)json_integer_value(v));
        else if (json_is_real(v)) got = xasprintf("%g", json_real_value(v));
        else if (json_is_array(v)) got = json_dumps(v, JSON_COMPACT);
        const char *want = eq + 1;
        int ok = strcmp(want, "-") == 0 ? got == NULL : got && strcmp(got, want) == 0;
        if (!ok) fail_msg("%s: want %s, got %s", field, want, got ? got : "(null)");
        free(got);
        free(field);
    }
}

/* Every alias set that applies to the events of source/EventCode, as evals. */
static json_t *with_aliases(const char *source, const char *eventcode, const char *const *fields)
{
    sbuf q = {0};
    sbuf_printf(&q, "search source=\"%s\" EventCode=%s", source, eventcode);
    const dm_alias_set *sets[64];
    size_t n = dm_aliases_for(reg, "XmlWinEventLog", source, eventcode, sets, 64);
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(dm_match_known(&sets[i]->match, "XmlWinEventLog", source, eventcode), DM_YES);
        add_evals(&q, sets[i]->fields, sets[i]->nfields, sets[i]->kind);
    }
    sbuf_add(&q, " | sort RecordNumber");
    json_t *rows = rows_of(&q, fields);
    sbuf_free(&q);
    return rows;
}

/* A data model source and its data set's calculated fields, as evals. */
static json_t *with_datamodel(const char *dataset, const char *source, const char *eventcode,
                              const char *const *fields)
{
    char *err = NULL;
    const dm_dataset *ds = dm_dataset_find(reg, dataset, &err);
    assert_non_null(ds);
    size_t n;
    const dm_source *src = dm_dataset_sources(ds, &n), *hit = NULL;
    for (size_t i = 0; i < n; i++)
        if (dm_match_known(&src[i].match, "XmlWinEventLog", source, eventcode) == DM_YES) hit = &src[i];
    assert_non_null(hit);
    sbuf q = {0};
    sbuf_printf(&q, "search %s", hit->match.spl);
    add_evals(&q, hit->fields, hit->nfields, DM_KIND_EVAL);
    const dm_assign **calcs;
    size_t nc = dm_dataset_all_calcs(ds, &calcs);
    for (size_t i = 0; i < nc; i++) add_evals(&q, calcs[i], 1, DM_KIND_EVAL);
    free(calcs);
    json_t *rows = rows_of(&q, fields);
    sbuf_free(&q);
    return rows;
}

static void test_sysmon_process_create(void **state)
{
    (void)state;
    const char *const f[] = {"dest", "user", "user_id", "process_name", "process_path", "process_id",
                             "parent_process_name", "process", "process_integrity_level", "MD5", "SHA256",
                             "signature", "signature_id", "vendor_product", "EventDescription", "date_year", NULL};
    json_t *rows = with_aliases("XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "1", f);
    assert_int_equal(json_array_size(rows), 1);
    const char *const want[] = {"dest=lab-03.example.test", "user=LAB\\kim", "user_id=S-1-5-18",
                                "process_name=appcmd.exe", "process_path=C:\\Windows\\System32\\inetsrv\\appcmd.exe",
                                "process_id=4321", "parent_process_name=cmd.exe",
                                "process=\"C:\\Windows\\System32\\inetsrv\\appcmd.exe\" list modules",
                                "process_integrity_level=high", "MD5=11BB", "SHA256=22CC",
                                "signature=Process Create", "signature_id=1", "vendor_product=Microsoft Sysmon",
                                "EventDescription=Process Create", "date_year=2026", NULL};
    expect_row(json_array_get(rows, 0), want);
    json_decref(rows);
}

static void test_security_process_create(void **state)
{
    (void)state;
    const char *const f[] = {"dest", "user", "process_name", "process_id", "parent_process_name",
                             "parent_process_id", "process", "Token_Elevation_Type", "Token_Elevation_Type_id",
                             "signature", "CategoryString", "status", "action", "Caller_User_Name",
                             "process_integrity_level", "process_command_line_process",
                             "process_command_line_arguments", "linecount", NULL};
    json_t *rows = with_aliases("XmlWinEventLog:Security", "4688", f);
    assert_int_equal(json_array_size(rows), 1);
    const char *const want[] = {"dest=lab-03.example.test", "user=kim", "process_name=whoami.exe",
                                "process_id=6700", "parent_process_name=cmd.exe", "parent_process_id=1916",
                                "process=whoami /all", "Token_Elevation_Type=TokenElevationTypeFull (2)",
                                "Token_Elevation_Type_id=2", "signature=A new process has been created",
                                "CategoryString=Process Creation", "status=success", "action=allowed",
                                "Caller_User_Name=kim", "process_integrity_level=high",
                                "process_command_line_process=whoami", "process_command_line_arguments=/all",
                                "linecount=1", NULL};
    expect_row(json_array_get(rows, 0), want);
    json_decref(rows);
}

static void test_powershell_4104(void **state)
{
    (void)state;
    const char *const f[] = {"EventCode", "ScriptBlockText", "Computer", "user_id", "dest", "Name", NULL};
    json_t *rows = with_aliases("XmlWinEventLog:Microsoft-Windows-PowerShell/Operational", "4104", f);
    assert_int_equal(json_array_size(rows), 1);
    const char *const want[] = {"EventCode=4104", "ScriptBlockText=Get-WebGlobalModule",
                                "Computer=lab-03.example.test", "user_id=S-1-5-21-9-8-7-1105",
                                "dest=lab-03.example.test", "Name=Microsoft-Windows-PowerShell", NULL};
    expect_row(json_array_get(rows, 0), want);
    json_decref(rows);
}

static void test_application_2282(void **state)
{
    (void)state;
    const char *const f[] = {"EventCode", "dest", "Name", "ModuleDll", "ProcessorArchitecture", "Error_Code", NULL};
    json_t *rows = with_aliases("XmlWinEventLog:Application", "2282", f);
    assert_int_equal(json_array_size(rows), 2);
    const char *const named[] = {"EventCode=2282", "dest=lab-03.example.test",
                                 "Name=Microsoft-Windows-IIS-W3SVC-WP", "ModuleDll=C:\\inetpub\\mods\\one.dll",
                                 "ProcessorArchitecture=x86", "Error_Code=193", NULL};
    const char *const unnamed[] = {"dest=lab-04.example.test", "Name=W3SVC-WP",
                                   "ModuleDll=C:\\inetpub\\mods\\two.dll", "ProcessorArchitecture=AMD64",
                                   "Error_Code=126", NULL};
    expect_row(json_array_get(rows, 0), named);
    expect_row(json_array_get(rows, 1), unnamed);
    json_decref(rows);
}

static void test_endpoint_processes(void **state)
{
    (void)state;
    const char *const f[] = {"dest", "user", "parent_process_name", "process_name", "original_file_name",
                             "process", "process_id", "parent_process_id", "process_integrity_level",
                             "vendor_product", NULL};
    json_t *rows = with_datamodel("Endpoint.Processes", "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "1", f);
    assert_int_equal(json_array_size(rows), 1);
    const char *const sysmon[] = {"dest=lab-03.example.test", "user=LAB\\kim", "parent_process_name=cmd.exe",
                                  "process_name=appcmd.exe", "original_file_name=appcmd.exe", "process_id=4321",
                                  "parent_process_id=1234", "process_integrity_level=high",
                                  "vendor_product=Microsoft Sysmon", NULL};
    expect_row(json_array_get(rows, 0), sysmon);
    json_decref(rows);
    rows = with_datamodel("Endpoint.Processes", "XmlWinEventLog:Security", "4688", f);
    assert_int_equal(json_array_size(rows), 1);
    const char *const security[] = {"dest=lab-03.example.test", "user=kim", "parent_process_name=cmd.exe",
                                    "process_name=whoami.exe", "original_file_name=unknown",
                                    "process=whoami /all", "process_id=6700", "parent_process_id=1916",
                                    "process_integrity_level=high", NULL};
    expect_row(json_array_get(rows, 0), security);
    json_decref(rows);
}

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("SPLITE_SRC");
    char *dir = xasprintf("%s/datamodels", src && *src ? src : ".");
    char *err = NULL;
    reg = dm_load_dir(dir, &err);
    free(dir);
    if (!reg) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return -1;
    }
    ingest("sysmon.log", sysmon_log, "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
    ingest("security.log", security_log, "XmlWinEventLog:Security");
    ingest("powershell.log", powershell_log, "XmlWinEventLog:Microsoft-Windows-PowerShell/Operational");
    ingest("application.log", application_log, "XmlWinEventLog:Application");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dm_free(reg);
    return 0;
}

static void remove_tree(void)
{
    static const char *const names[] = {"sysmon.log", "security.log", "powershell.log", "application.log",
                                        "out", "t.db", "t.db-wal", "t.db-shm", "t.db-journal"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *p = xasprintf("%s/%s", tmpdir, names[i]);
        unlink(p);
        free(p);
    }
    rmdir(tmpdir);
}

int main(void)
{
    bin = getenv("SPLITE_BIN");
    if (!bin || access(bin, X_OK) != 0) {
        printf("SKIP: SPLITE_BIN is not set or not executable\n");
        return 77;
    }
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    db_path = xasprintf("%s/t.db", tmpdir);
    /* the engine must search at all (on a new, empty database in memory) */
    char *probe = NULL, *real_db = db_path;
    db_path = ":memory:";
    int probe_rc = search("| makeresults | eval x=1", &probe);
    db_path = real_db;
    if (probe_rc != 0) {
        printf("FAIL: %s search '| makeresults | eval x=1' failed: %s\n", bin, probe ? probe : "");
        free(probe);
        remove_tree();
        free(db_path);
        return 1;
    }
    free(probe);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sysmon_process_create),
        cmocka_unit_test(test_security_process_create),
        cmocka_unit_test(test_powershell_4104),
        cmocka_unit_test(test_application_2282),
        cmocka_unit_test(test_endpoint_processes),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    remove_tree();
    free(db_path);
    return rc;
}
