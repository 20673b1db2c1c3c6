/*
 * ngx_http_unicors_module: CORS for nginx through the unicors C library.
 * Types shared by the module's files:
 *   ngx_http_unicors_module.c   directives, configuration and inheritance
 *   ngx_http_unicors_policy.c   assembling a policy and reporting problems
 *   ngx_http_unicors_request.c  deciding requests, answering preflights,
 *                               adding headers, variables
 *   ngx_http_unicors_counters.c counters in shared memory, the
 *                               unicors_counters location
 */

#ifndef NGX_HTTP_UNICORS_H
#define NGX_HTTP_UNICORS_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <unicors.h>

/* How a policy key's directive arguments are read. */
typedef enum {
    NGX_HTTP_UNICORS_LIST,    /* one or more strings */
    NGX_HTTP_UNICORS_FLAG,    /* on | off */
    NGX_HTTP_UNICORS_NUMBER   /* an integer, range-checked by the core */
} ngx_http_unicors_key_type_e;

/* One inline directive and the policy key it sets. */
typedef struct {
    const char                   *key;
    ngx_http_unicors_key_type_e   type;
} ngx_http_unicors_key_t;

#define NGX_HTTP_UNICORS_KEYS  12

extern const ngx_http_unicors_key_t  ngx_http_unicors_keys[NGX_HTTP_UNICORS_KEYS];

/* Where in nginx.conf a directive was written, for error messages. */
typedef struct {
    ngx_str_t                     conf_file;
    ngx_uint_t                    line;
} ngx_http_unicors_origin_t;

/* The value of one inline key at one configuration level. */
typedef struct {
    unsigned                      set:1;
    ngx_array_t                  *strings;    /* of ngx_str_t (LIST) */
    int64_t                       number;     /* FLAG (0/1) or NUMBER */
    ngx_http_unicors_origin_t     origin;
} ngx_http_unicors_setting_t;

/* unicors_upstream_headers */
#define NGX_HTTP_UNICORS_REPLACE  0
#define NGX_HTTP_UNICORS_KEEP     1

typedef struct {
    ngx_flag_t                    enable;
    ngx_http_unicors_origin_t     enable_origin;
    ngx_uint_t                    upstream_headers;
    ngx_http_complex_value_t     *verdict;

    /* unicors_policy FILE: the full path, or an empty string. */
    ngx_str_t                     policy_file;
    ngx_http_unicors_origin_t     policy_origin;
    ngx_http_unicors_setting_t    keys[NGX_HTTP_UNICORS_KEYS];

    /* unicors_shadow_policy FILE | off: a report-only policy, built when
     * the directive is read; inherited unless a level sets its own. */
    ngx_str_t                     shadow_file;
    ngx_http_unicors_origin_t     shadow_origin;
    unsigned                      shadow_set:1;
    const unicors_policy         *shadow;

    /* Whether this level itself wrote a policy directive. */
    unsigned                      own:1;
    /* Whether building this level's policy was attempted (and failed
     * when policy is still NULL). */
    unsigned                      built:1;
    const unicors_policy         *policy;
} ngx_http_unicors_loc_conf_t;

extern ngx_module_t  ngx_http_unicors_module;

/* ngx_http_unicors_policy.c */
ngx_int_t ngx_http_unicors_build_policy(ngx_conf_t *cf,
    ngx_http_unicors_loc_conf_t *conf);
ngx_int_t ngx_http_unicors_build_shadow(ngx_conf_t *cf,
    ngx_http_unicors_loc_conf_t *conf);

/* ngx_http_unicors_counters.c */
ngx_int_t ngx_http_unicors_add_counters_zone(ngx_conf_t *cf);
unicors_counters *ngx_http_unicors_counters(void);
char *ngx_http_unicors_counters_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_unicors_request.c */
ngx_int_t ngx_http_unicors_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_unicors_install(ngx_conf_t *cf);
ngx_int_t ngx_http_unicors_init_worker(ngx_cycle_t *cycle);
void ngx_http_unicors_exit_worker(ngx_cycle_t *cycle);

#endif /* NGX_HTTP_UNICORS_H */
