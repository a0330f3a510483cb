/* SPDX-License-Identifier: MIT */
/*
 * exemplar-summary (issue 5): renders a quarter's summary into the reports
 * directory in every format (summary_write_all).  This is the one-shot
 * mode; the job loop (leased "summary" jobs, the announcement on the
 * notification topic) is built on the same function.
 *
 *   exemplar-summary --quarter 2023Q3 [--as-of DATE] [--campaign ID]
 *                    [--reports-dir DIR] [--api ENDPOINT] [--lang vi|en]
 *
 * Exit 0 when every file was written, 1 on a refusal or a write error, 2
 * on a usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "summary_render.h"

#define REPORTS_DIR_DEFAULT "/var/lib/exemplard/reports"

static int usage(FILE *f, int status)
{
    fprintf(f, "usage: exemplar-summary --quarter YYYYQn [--as-of YYYY-MM-DD] [--campaign ID]\n"
               "                        [--reports-dir DIR] [--api ENDPOINT] [--lang vi|en]\n"
               "Writes summary-YYYYQn.{json,csv,xlsx,html} into DIR (default " REPORTS_DIR_DEFAULT
               ").\n");
    return status;
}

int main(int argc, char **argv)
{
    static const struct option OPTS[] = {
        {"quarter", required_argument, NULL, 'q'},  {"as-of", required_argument, NULL, 'a'},
        {"campaign", required_argument, NULL, 'c'}, {"reports-dir", required_argument, NULL, 'd'},
        {"api", required_argument, NULL, 'e'},      {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *quarter = NULL, *as_of = "", *campaign = "", *dir = REPORTS_DIR_DEFAULT;
    const char *api = NULL;
    sr_lang_t lang = SR_VI;
    int o;
    while ((o = getopt_long(argc, argv, "h", OPTS, NULL)) != -1) {
        switch (o) {
        case 'q':
            quarter = optarg;
            break;
        case 'a':
            as_of = optarg;
            break;
        case 'c':
            campaign = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'e':
            api = optarg;
            break;
        case 'l':
            if (summary_lang_parse(optarg, &lang) < 0) {
                fprintf(stderr, "exemplar-summary: --lang is vi or en, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            return usage(stdout, 0);
        default:
            return usage(stderr, 2);
        }
    }
    if (!quarter || optind != argc) {
        fprintf(stderr, "exemplar-summary: --quarter is required (for example 2023Q3)\n");
        return usage(stderr, 2);
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "exemplar-summary: the reports directory %s does not exist\n", dir);
        return 1;
    }
    ex_client_opts_t opts = {0};
    opts.endpoint = api;
    ex_client_t *c = ex_client_new(&opts);
    if (!c) {
        fprintf(stderr, "exemplar-summary: cannot create a client for %s\n",
                api ? api : "the default endpoint");
        return 1;
    }
    char err[512] = "";
    int rc = summary_write_all(c, quarter, as_of, campaign, dir, lang, err, sizeof(err));
    ex_client_destroy(&c);
    if (rc < 0) {
        fprintf(stderr, "exemplar-summary: summary of %s: %s\n", quarter, err);
        return 1;
    }
    printf("%s/summary-%s.{json,csv,xlsx,html}\n", dir, quarter);
    return 0;
}
