/* ingest_lock.c: one writer at a time loads into a database. ingest and
 * replay take an exclusive flock on DB.ingest.lock (a file next to the
 * database, never the database itself: closing another descriptor of the
 * database file would drop SQLite's own POSIX locks) for the whole run, so
 * two processes never both decide that a file is new and load it twice. The
 * kernel drops the lock when the process ends, however it ends. */
#include "ingest_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int ingest_lock(const char *db_path, int no_wait, const char *cmd)
{
    char *path = xasprintf("%s.ingest.lock", db_path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "splite %s: cannot create the lock file %s: %s\n", cmd, path, strerror(errno));
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK) {
            fprintf(stderr, "splite %s: cannot lock %s: %s\n", cmd, path, strerror(errno));
        } else if (no_wait) {
            fprintf(stderr, "splite %s: another ingest or replay is loading into %s (it holds %s); nothing loaded\n",
                    cmd, db_path, path);
        } else {
            fprintf(stderr, "splite %s: another ingest or replay is loading into %s; waiting for it to finish "
                            "(--no-wait gives up instead)\n", cmd, db_path);
            int rc;
            while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {}
            if (rc == 0) {
                free(path);
                return fd;
            }
            fprintf(stderr, "splite %s: cannot lock %s: %s\n", cmd, path, strerror(errno));
        }
        close(fd);
        free(path);
        return -1;
    }
    free(path);
    return fd;
}

void ingest_unlock(int fd)
{
    if (fd < 0) return;
    flock(fd, LOCK_UN);
    close(fd);
}
