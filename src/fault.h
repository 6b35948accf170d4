/* fault.h: test-only fault injection. SPLITE_TEST_FAULT="ACTION:NAME" makes
 * the detection whose name is NAME, or whose file path ends with NAME, fail
 * the hard way when it runs (`run`, `schedule`, `check`), so tests can check
 * that one crashing, aborting or hanging detection does not stop the
 * others. ACTION is segv (a null write), abort, hang (sleeps until killed)
 * or exit (exit status 3). Unset (always, outside tests): does nothing. */
#ifndef SPLITE_FAULT_H
#define SPLITE_FAULT_H

void fault_point(const char *name, const char *file);
#endif
