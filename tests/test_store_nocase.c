/* test_store_nocase.c: the store's faster NOCASE collation orders exactly as
 * SQLite's built-in one (indexes built through splite are read by other
 * tools): random strings around the 8-byte word boundaries, case variants,
 * embedded NULs and non-ASCII bytes, compared through SQL on a store
 * connection and on a plain one. */
#include "testutil.h"
#include "store.h"

static int sign_of(sqlite3 *db, const char *a, int na, const char *b, int nb)
{
    sqlite3_stmt *q;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT (?1 > ?2 COLLATE NOCASE) - (?1 < ?2 COLLATE NOCASE)", -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, a, na, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, b, nb, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int r = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return r;
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

static void test_same_order_as_builtin(void **state)
{
    (void)state;
    char *path = tu_tmp_path(".db");
    char *err = NULL;
    store *st = store_open(path, &err);
    assert_non_null(st);
    sqlite3 *plain;
    assert_int_equal(sqlite3_open(":memory:", &plain), SQLITE_OK);
    static const char alphabet[] = {'a', 'A', 'z', 'Z', 'm', 'M', '@', '[', '`', '{', '0', ' ', '\0', '\xc3', '\xa9', '_'};
    char a[40], b[40];
    for (int iter = 0; iter < 20000; iter++) {
        int na = (int)(rnd() % 34), nb = (int)(rnd() % 34);
        for (int i = 0; i < na; i++) a[i] = alphabet[rnd() % sizeof alphabet];
        /* b: often a case variant or a prefix of a, to reach deep into both */
        if (rnd() % 2) {
            nb = rnd() % 3 ? na : (int)(rnd() % (na + 1));
            for (int i = 0; i < nb; i++) {
                b[i] = a[i];
                if (rnd() % 4 == 0 && ((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z'))) b[i] ^= 0x20;
                if (rnd() % 40 == 0) b[i] = alphabet[rnd() % sizeof alphabet];
            }
        } else {
            for (int i = 0; i < nb; i++) b[i] = alphabet[rnd() % sizeof alphabet];
        }
        int want = sign_of(plain, a, na, b, nb);
        int got = sign_of(store_db(st), a, na, b, nb);
        if (want != got) {
            fprintf(stderr, "iteration %d: lengths %d/%d, built-in %d, store %d\n", iter, na, nb, want, got);
            fail();
        }
    }
    sqlite3_close(plain);
    store_close(st);
    tu_remove_db(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_order_as_builtin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
