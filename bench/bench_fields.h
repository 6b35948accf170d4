/* bench_fields.h: the fixed list of columns the benchmark generator emits and
 * the reference loader stores: the System fields of a Sysmon XmlWinEventLog
 * event (under the names Splunk's XML extraction gives them) and the EventData
 * fields of Sysmon EventIDs 1, 3 and 11. One X-macro so that the TSV writer in
 * bench-gen and the table in bench-refload can never disagree on the order. */
#ifndef BENCH_FIELDS_H
#define BENCH_FIELDS_H

#define BENCH_FIELDS(X) \
    /* System */ \
    X(Name) X(Guid) X(EventID) X(Version) X(Level) X(Task) X(Opcode) \
    X(Keywords) X(SystemTime) X(EventRecordID) X(ProcessID) X(ThreadID) \
    X(Channel) X(Computer) X(UserID) \
    /* EventID 1 (and the common process fields of 3 and 11) */ \
    X(RuleName) X(UtcTime) X(ProcessGuid) X(ProcessId) X(Image) \
    X(FileVersion) X(Description) X(Product) X(Company) X(OriginalFileName) \
    X(CommandLine) X(CurrentDirectory) X(User) X(LogonGuid) X(LogonId) \
    X(TerminalSessionId) X(IntegrityLevel) X(Hashes) X(ParentProcessGuid) \
    X(ParentProcessId) X(ParentImage) X(ParentCommandLine) \
    /* EventID 3 */ \
    X(Protocol) X(Initiated) X(SourceIsIpv6) X(SourceIp) X(SourceHostname) \
    X(SourcePort) X(SourcePortName) X(DestinationIsIpv6) X(DestinationIp) \
    X(DestinationHostname) X(DestinationPort) X(DestinationPortName) \
    /* EventID 11 */ \
    X(TargetFilename) X(CreationUtcTime)

enum bench_field {
#define BENCH_FIELD_ENUM(n) BF_##n,
    BENCH_FIELDS(BENCH_FIELD_ENUM)
#undef BENCH_FIELD_ENUM
    BF_COUNT
};

static const char *const bench_field_names[BF_COUNT] = {
#define BENCH_FIELD_NAME(n) #n,
    BENCH_FIELDS(BENCH_FIELD_NAME)
#undef BENCH_FIELD_NAME
};

/* Metadata keys of the JSON lines format (and the TSV's first column). */
#define BENCH_SOURCE_SYSMON "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"
#define BENCH_SOURCETYPE_XML "XmlWinEventLog"
#endif
