/* SPDX-License-Identifier: MIT */
/*
 * common/safefile.c: a whole file put in place never writes through a name
 * someone else may have planted, has exactly the mode asked for, and leaves
 * nothing behind when abandoned.  Both kinds of temporary are tried: the
 * unnamed O_TMPFILE one and the named one (EX_SAFEFILE_NAMED).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"

typedef struct {
    char dir[64];
    char target[128];
    char victim[128];
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/exsafe.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->target, sizeof(f->target), "%s/out.file", f->dir);
    snprintf(f->victim, sizeof(f->victim), "%s/victim", f->dir);
    FILE *v = fopen(f->victim, "w");
    assert_non_null(v);
    fputs("precious", v);
    fclose(v);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof(path), "%s/%s", f->dir, e->d_name);
            unlink(path);
        }
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    if (d)
        closedir(d);
    return n;
}

static void write_all(int fd, const char *text)
{
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

static void expect_content(const char *path, const char *text)
{
    char buf[64] = "";
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    size_t n = fread(buf, 1, sizeof(buf) - 1, in);
    fclose(in);
    buf[n] = '\0';
    assert_string_equal(buf, text);
}

/* FILE.tmp a symlink and FILE a symlink: neither is written through; with
 * REPLACE the symlink at FILE is replaced by the new file. */
static void planted_symlinks_are_never_followed(unsigned kind, void **state)
{
    fixture_t *f = *state;
    char tmp[160], err[256];
    snprintf(tmp, sizeof(tmp), "%s.tmp", f->target);
    assert_int_equal(symlink(f->victim, tmp), 0);
    assert_int_equal(symlink(f->victim, f->target), 0);
    mode_t old = umask(0);
    ex_safefile_t sf;
    assert_int_equal(
        ex_safefile_open(&sf, f->target, 0640, kind | EX_SAFEFILE_REPLACE, err, sizeof(err)), 0);
    umask(old);
    write_all(sf.fd, "new");
    assert_int_equal(ex_safefile_commit(&sf, err, sizeof(err)), 0);
    expect_content(f->victim, "precious");
    expect_content(f->target, "new");
    struct stat st;
    assert_int_equal(lstat(f->target, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_int_equal(lstat(tmp, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(entries(f->dir), 3); /* victim, out.file, out.file.tmp */
}

static void unnamed_planted(void **state)
{
    planted_symlinks_are_never_followed(0, state);
}

static void named_planted(void **state)
{
    planted_symlinks_are_never_followed(EX_SAFEFILE_NAMED, state);
}

/* Without REPLACE a target that appeared meanwhile is kept. */
static void no_replace_keeps_what_appeared(unsigned kind, void **state)
{
    fixture_t *f = *state;
    char err[256];
    ex_safefile_t sf;
    assert_int_equal(ex_safefile_open(&sf, f->target, 0640, kind, err, sizeof(err)), 0);
    write_all(sf.fd, "new");
    assert_int_equal(symlink(f->victim, f->target), 0);
    assert_int_equal(ex_safefile_commit(&sf, err, sizeof(err)), -EEXIST);
    assert_non_null(strstr(err, f->target));
    expect_content(f->victim, "precious");
    assert_int_equal(entries(f->dir), 2); /* victim and the symlink: no temporary left */
}

static void unnamed_no_replace(void **state)
{
    no_replace_keeps_what_appeared(0, state);
}

static void named_no_replace(void **state)
{
    no_replace_keeps_what_appeared(EX_SAFEFILE_NAMED, state);
}

/* Abandoned: nothing left, the target untouched. */
static void abort_leaves_nothing(void **state)
{
    fixture_t *f = *state;
    char err[256], path[256];
    for (unsigned kind = 0; kind <= EX_SAFEFILE_NAMED; kind += EX_SAFEFILE_NAMED) {
        ex_safefile_t sf;
        assert_int_equal(ex_safefile_open(&sf, f->target, 0600, kind, err, sizeof(err)), 0);
        write_all(sf.fd, "half");
        ex_safefile_temp_path(&sf, path, sizeof(path));
        assert_int_equal(access(path, F_OK), 0); /* the path names the temporary */
        ex_safefile_abort(&sf);
        assert_int_equal(entries(f->dir), 1);
    }
}

/* A directory that does not exist, a name that is a directory. */
static void refusals_say_why(void **state)
{
    fixture_t *f = *state;
    char err[256] = "", path[256];
    ex_safefile_t sf;
    snprintf(path, sizeof(path), "%s/missing/out", f->dir);
    assert_int_equal(ex_safefile_open(&sf, path, 0640, 0, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, path));
    snprintf(path, sizeof(path), "%s/", f->dir);
    assert_int_equal(ex_safefile_open(&sf, path, 0640, 0, err, sizeof(err)), -EISDIR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unnamed_planted, setup, teardown),
        cmocka_unit_test_setup_teardown(named_planted, setup, teardown),
        cmocka_unit_test_setup_teardown(unnamed_no_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(named_no_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_say_why, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
