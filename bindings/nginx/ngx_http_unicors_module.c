/*
 * ngx_http_unicors_module: directives, configuration levels and their
 * inheritance. Every directive works at http, server and location level
 * and is inherited by inner levels unless they set it themselves, one
 * directive at a time (unlike add_header, setting one never drops the
 * others). A level that names its own unicors_policy file starts afresh
 * from that file: inline keys of outer levels are not carried into it.
 */

#include "ngx_http_unicors.h"


static void *ngx_http_unicors_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_unicors_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_unicors_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_unicors_postconfiguration(ngx_conf_t *cf);
static char *ngx_http_unicors_enable_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_unicors_policy_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_unicors_key_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_unicors_shadow_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


/* Inline directive i sets policy key ngx_http_unicors_keys[i]. */
const ngx_http_unicors_key_t  ngx_http_unicors_keys[NGX_HTTP_UNICORS_KEYS] = {
    { "allow_origins", NGX_HTTP_UNICORS_LIST },
    { "allow_origin_regex", NGX_HTTP_UNICORS_LIST },
    { "allow_null_origin", NGX_HTTP_UNICORS_FLAG },
    { "allow_methods", NGX_HTTP_UNICORS_LIST },
    { "allow_headers", NGX_HTTP_UNICORS_LIST },
    { "expose_headers", NGX_HTTP_UNICORS_LIST },
    { "allow_credentials", NGX_HTTP_UNICORS_FLAG },
    { "max_age", NGX_HTTP_UNICORS_NUMBER },
    { "allow_private_network", NGX_HTTP_UNICORS_FLAG },
    { "preflight_status", NGX_HTTP_UNICORS_NUMBER },
    { "preflight_continue", NGX_HTTP_UNICORS_FLAG },
    { "rejected_preflight_status", NGX_HTTP_UNICORS_NUMBER },
};


static ngx_conf_enum_t  ngx_http_unicors_upstream_headers[] = {
    { ngx_string("replace"), NGX_HTTP_UNICORS_REPLACE },
    { ngx_string("keep"), NGX_HTTP_UNICORS_KEEP },
    { ngx_null_string, 0 }
};


#define NGX_HTTP_UNICORS_ANY_LEVEL                                           \
    (NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF)

#define ngx_http_unicors_key_command(name, index, args)                      \
    { ngx_string(name), NGX_HTTP_UNICORS_ANY_LEVEL|(args),                   \
      ngx_http_unicors_key_directive, NGX_HTTP_LOC_CONF_OFFSET, 0,           \
      (void *) &ngx_http_unicors_keys[index] }


static ngx_command_t  ngx_http_unicors_commands[] = {

    { ngx_string("unicors"),
      NGX_HTTP_UNICORS_ANY_LEVEL|NGX_CONF_FLAG,
      ngx_http_unicors_enable_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_unicors_loc_conf_t, enable),
      NULL },

    { ngx_string("unicors_policy"),
      NGX_HTTP_UNICORS_ANY_LEVEL|NGX_CONF_TAKE1,
      ngx_http_unicors_policy_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("unicors_shadow_policy"),
      NGX_HTTP_UNICORS_ANY_LEVEL|NGX_CONF_TAKE1,
      ngx_http_unicors_shadow_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("unicors_counters"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_unicors_counters_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("unicors_upstream_headers"),
      NGX_HTTP_UNICORS_ANY_LEVEL|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_unicors_loc_conf_t, upstream_headers),
      &ngx_http_unicors_upstream_headers },

    { ngx_string("unicors_origin_verdict"),
      NGX_HTTP_UNICORS_ANY_LEVEL|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_unicors_loc_conf_t, verdict),
      NULL },

    ngx_http_unicors_key_command("unicors_allow_origins", 0, NGX_CONF_1MORE),
    ngx_http_unicors_key_command("unicors_allow_origin_regex", 1,
                                 NGX_CONF_1MORE),
    ngx_http_unicors_key_command("unicors_allow_null_origin", 2,
                                 NGX_CONF_FLAG),
    ngx_http_unicors_key_command("unicors_allow_methods", 3, NGX_CONF_1MORE),
    ngx_http_unicors_key_command("unicors_allow_headers", 4, NGX_CONF_1MORE),
    ngx_http_unicors_key_command("unicors_expose_headers", 5, NGX_CONF_1MORE),
    ngx_http_unicors_key_command("unicors_allow_credentials", 6,
                                 NGX_CONF_FLAG),
    ngx_http_unicors_key_command("unicors_max_age", 7, NGX_CONF_TAKE1),
    ngx_http_unicors_key_command("unicors_allow_private_network", 8,
                                 NGX_CONF_FLAG),
    ngx_http_unicors_key_command("unicors_preflight_status", 9,
                                 NGX_CONF_TAKE1),
    ngx_http_unicors_key_command("unicors_preflight_continue", 10,
                                 NGX_CONF_FLAG),
    ngx_http_unicors_key_command("unicors_rejected_preflight_status", 11,
                                 NGX_CONF_TAKE1),

    ngx_null_command
};


static ngx_http_module_t  ngx_http_unicors_module_ctx = {
    ngx_http_unicors_preconfiguration,     /* preconfiguration */
    ngx_http_unicors_postconfiguration,    /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_unicors_create_loc_conf,      /* create location configuration */
    ngx_http_unicors_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_unicors_module = {
    NGX_MODULE_V1,
    &ngx_http_unicors_module_ctx,          /* module context */
    ngx_http_unicors_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_unicors_init_worker,          /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_unicors_exit_worker,          /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_unicors_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_unicors_loc_conf_t  *conf;

    /* pcalloc: no policy file, no key set, no policy. */
    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_unicors_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    conf->enable = NGX_CONF_UNSET;
    conf->upstream_headers = NGX_CONF_UNSET_UINT;
    conf->verdict = NGX_CONF_UNSET_PTR;

    return conf;
}


/* Builds an outer level's policy the first time an inner level asks for
 * it: the http level is never merged into anything itself. */
static ngx_int_t
ngx_http_unicors_ensure_built(ngx_conf_t *cf, ngx_http_unicors_loc_conf_t *conf)
{
    if (!conf->own || conf->built) {
        return (conf->own && conf->policy == NULL) ? NGX_ERROR : NGX_OK;
    }

    return ngx_http_unicors_build_policy(cf, conf);
}


static char *
ngx_http_unicors_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_unicors_loc_conf_t  *prev = parent;
    ngx_http_unicors_loc_conf_t  *conf = child;
    ngx_uint_t                    i;

    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable_origin = prev->enable_origin;
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_uint_value(conf->upstream_headers, prev->upstream_headers,
                              NGX_HTTP_UNICORS_REPLACE);
    ngx_conf_merge_ptr_value(conf->verdict, prev->verdict, NULL);

    if (ngx_http_unicors_ensure_built(cf, prev) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (!conf->shadow_set) {
        conf->shadow_file = prev->shadow_file;
        conf->shadow_origin = prev->shadow_origin;
        conf->shadow = prev->shadow;
    }

    if (!conf->own) {
        /* Nothing of its own: share the outer level's policy and keep its
         * settings so that inner levels inherit them in turn. */
        conf->policy_file = prev->policy_file;
        conf->policy_origin = prev->policy_origin;
        ngx_memcpy(conf->keys, prev->keys, sizeof(conf->keys));
        conf->policy = prev->policy;
        conf->built = 1;

    } else {
        if (conf->policy_file.len == 0) {
            conf->policy_file = prev->policy_file;
            conf->policy_origin = prev->policy_origin;

            for (i = 0; i < NGX_HTTP_UNICORS_KEYS; i++) {
                if (!conf->keys[i].set) {
                    conf->keys[i] = prev->keys[i];
                }
            }
        }

        if (ngx_http_unicors_build_policy(cf, conf) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->enable && conf->policy == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "unicors is on but no policy is configured: add "
                      "\"unicors_policy\" or \"unicors_allow_origins\" "
                      "in %V:%ui", &conf->enable_origin.conf_file,
                      conf->enable_origin.line);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_unicors_remember_origin(ngx_conf_t *cf, ngx_http_unicors_origin_t *o)
{
    o->conf_file = cf->conf_file->file.name;
    o->line = cf->conf_file->line;
}


static char *
ngx_http_unicors_enable_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_unicors_loc_conf_t  *lcf = conf;
    char                         *rv;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);

    if (rv == NGX_CONF_OK) {
        ngx_http_unicors_remember_origin(cf, &lcf->enable_origin);
    }

    return rv;
}


static char *
ngx_http_unicors_policy_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_unicors_loc_conf_t  *lcf = conf;
    ngx_str_t                    *value;

    if (lcf->policy_file.len) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "needs a file name";
    }

    lcf->policy_file = value[1];

    if (ngx_conf_full_name(cf->cycle, &lcf->policy_file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_http_unicors_remember_origin(cf, &lcf->policy_origin);
    lcf->own = 1;

    return NGX_CONF_OK;
}


/* unicors_shadow_policy FILE | off: built here, so that every level
 * (the http level too, which is never merged) has it ready to inherit. */
static char *
ngx_http_unicors_shadow_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_unicors_loc_conf_t  *lcf = conf;
    ngx_str_t                    *value;

    if (lcf->shadow_set) {
        return "is duplicate";
    }

    value = cf->args->elts;
    lcf->shadow_set = 1;
    ngx_http_unicors_remember_origin(cf, &lcf->shadow_origin);

    if (value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0) {
        return NGX_CONF_OK;
    }

    if (value[1].len == 0) {
        return "needs a file name";
    }

    lcf->shadow_file = value[1];

    if (ngx_conf_full_name(cf->cycle, &lcf->shadow_file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_unicors_build_shadow(cf, lcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* An optionally negative decimal integer; the core checks the range. */
static ngx_int_t
ngx_http_unicors_parse_number(ngx_str_t *text, int64_t *out)
{
    u_char   *p, *last;
    int64_t   n;
    ngx_int_t negative;

    p = text->data;
    last = p + text->len;
    negative = (p < last && *p == '-');
    p += negative;

    if (p == last) {
        return NGX_ERROR;
    }

    for (n = 0; p < last; p++) {
        if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10) {
            return NGX_ERROR;
        }
        n = n * 10 + (*p - '0');
    }

    *out = negative ? -n : n;

    return NGX_OK;
}


static char *
ngx_http_unicors_key_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_unicors_loc_conf_t   *lcf = conf;
    const ngx_http_unicors_key_t  *key = cmd->post;
    ngx_http_unicors_setting_t    *setting;
    ngx_str_t                     *value, *item;
    ngx_uint_t                     i;

    setting = &lcf->keys[key - ngx_http_unicors_keys];

    if (setting->set) {
        return "is duplicate";
    }

    value = cf->args->elts;

    switch (key->type) {

    case NGX_HTTP_UNICORS_LIST:
        setting->strings = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                            sizeof(ngx_str_t));
        if (setting->strings == NULL) {
            return NGX_CONF_ERROR;
        }

        for (i = 1; i < cf->args->nelts; i++) {
            item = ngx_array_push(setting->strings);
            if (item == NULL) {
                return NGX_CONF_ERROR;
            }
            *item = value[i];
        }
        break;

    case NGX_HTTP_UNICORS_FLAG:
        if (ngx_strcasecmp(value[1].data, (u_char *) "on") == 0) {
            setting->number = 1;

        } else if (ngx_strcasecmp(value[1].data, (u_char *) "off") == 0) {
            setting->number = 0;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid value \"%V\" in \"%V\" directive, "
                               "it must be \"on\" or \"off\"",
                               &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }
        break;

    case NGX_HTTP_UNICORS_NUMBER:
        if (ngx_http_unicors_parse_number(&value[1], &setting->number)
            != NGX_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid number \"%V\" in \"%V\" directive",
                               &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }
        break;
    }

    setting->set = 1;
    ngx_http_unicors_remember_origin(cf, &setting->origin);
    lcf->own = 1;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_unicors_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_unicors_add_variables(cf);
}


static ngx_int_t
ngx_http_unicors_postconfiguration(ngx_conf_t *cf)
{
    if (ngx_http_unicors_add_counters_zone(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_unicors_install(cf);
}
