/* replay.c: runs a libFuzzer harness over saved inputs without libFuzzer:
 * each argument is a file or a directory of files (a corpus), each file one
 * call of LLVMFuzzerTestOneInput. ctest replays tests/fuzz/corpus this way in
 * the ordinary and the ASan + UBSan builds, with gcc (tests/fuzz/replay.cmake). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return -1; }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    long done = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) { perror(argv[i]); return 1; }
        if (!S_ISDIR(sb.st_mode)) {
            if (replay_file(argv[i])) return 1;
            done++;
            continue;
        }
        struct dirent **names;
        int k = scandir(argv[i], &names, NULL, alphasort);
        if (k < 0) { perror(argv[i]); return 1; }
        for (int j = 0; j < k; j++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[j]->d_name);
            if (names[j]->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
                if (replay_file(path)) return 1;
                done++;
            }
            free(names[j]);
        }
        free(names);
    }
    printf("replayed %ld inputs\n", done);
    return 0;
}
