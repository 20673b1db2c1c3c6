/*
 * Assembling one configuration level's policy (policy file + inline keys)
 * with the core's builder, and reporting every problem the core finds
 * with the nginx.conf file and line of the directive it comes from.
 */

#include "ngx_http_unicors.h"


static void ngx_http_unicors_free_policy(void *data);
static ngx_int_t ngx_http_unicors_set_key(ngx_conf_t *cf,
    unicors_policy_builder *builder, const ngx_http_unicors_key_t *key,
    ngx_http_unicors_setting_t *setting);
static void ngx_http_unicors_report(ngx_conf_t *cf,
    ngx_http_unicors_loc_conf_t *conf, unicors_config_error *error);


ngx_int_t
ngx_http_unicors_build_policy(ngx_conf_t *cf, ngx_http_unicors_loc_conf_t *conf)
{
    unicors_policy_builder  *builder;
    unicors_config_error    *error;
    const unicors_policy    *policy;
    ngx_pool_cleanup_t      *cln;
    unicors_status           rc;
    ngx_uint_t               i;

    conf->built = 1;

    builder = unicors_policy_builder_new();
    if (builder == NULL) {
        return NGX_ERROR;
    }

    if (conf->policy_file.len) {
        rc = unicors_policy_builder_load_file(builder, conf->policy_file.data,
                                              conf->policy_file.len);
        if (rc != UNICORS_STATUS_OK) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unicors: cannot use policy file \"%V\": %s "
                          "in %V:%ui", &conf->policy_file,
                          unicors_status_str(rc),
                          &conf->policy_origin.conf_file,
                          conf->policy_origin.line);
            unicors_policy_builder_free(builder);
            return NGX_ERROR;
        }
    }

    for (i = 0; i < NGX_HTTP_UNICORS_KEYS; i++) {
        if (conf->keys[i].set
            && ngx_http_unicors_set_key(cf, builder, &ngx_http_unicors_keys[i],
                                        &conf->keys[i])
               != NGX_OK)
        {
            unicors_policy_builder_free(builder);
            return NGX_ERROR;
        }
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        unicors_policy_builder_free(builder);
        return NGX_ERROR;
    }

    error = NULL;
    policy = NULL;

    /* Consumes the builder whatever happens. */
    rc = unicors_policy_builder_build(builder, &policy, &error);

    if (rc != UNICORS_STATUS_OK) {
        if (error != NULL) {
            ngx_http_unicors_report(cf, conf, error);
            unicors_config_error_free(error);

        } else {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unicors: cannot build the policy: %s",
                          unicors_status_str(rc));
        }

        return NGX_ERROR;
    }

    /* The policy lives as long as this configuration: a reload builds a
     * new one and the old is freed with the old cycle's pool. */
    cln->handler = ngx_http_unicors_free_policy;
    cln->data = (void *) policy;
    conf->policy = policy;

    for (i = 0; i < unicors_policy_warning_count(policy); i++) {
        unicors_problem  problem;

        if (unicors_policy_warning_at(policy, i, &problem)
            == UNICORS_STATUS_OK)
        {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                          "unicors: %*s: %s: %*s",
                          problem.field_len, problem.field, problem.code,
                          problem.message_len, problem.message);
        }
    }

    return NGX_OK;
}


/* The report-only policy of unicors_shadow_policy FILE: the whole file,
 * no inline keys; its problems are reported against that directive. */
ngx_int_t
ngx_http_unicors_build_shadow(ngx_conf_t *cf, ngx_http_unicors_loc_conf_t *conf)
{
    ngx_http_unicors_loc_conf_t   file_only;
    unicors_config_error         *error;
    const unicors_policy         *policy;
    ngx_pool_cleanup_t           *cln;
    unicors_status                rc;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    error = NULL;
    policy = NULL;
    rc = unicors_policy_from_file(conf->shadow_file.data, conf->shadow_file.len,
                                  &policy, &error);

    if (rc != UNICORS_STATUS_OK) {
        if (error != NULL) {
            /* Every problem points at the file, as for unicors_policy. */
            ngx_memzero(&file_only, sizeof(file_only));
            file_only.policy_file = conf->shadow_file;
            file_only.policy_origin = conf->shadow_origin;
            ngx_http_unicors_report(cf, &file_only, error);
            unicors_config_error_free(error);

        } else {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unicors: cannot use the report-only policy file "
                          "\"%V\": %s in %V:%ui", &conf->shadow_file,
                          unicors_status_str(rc),
                          &conf->shadow_origin.conf_file,
                          conf->shadow_origin.line);
        }

        return NGX_ERROR;
    }

    cln->handler = ngx_http_unicors_free_policy;
    cln->data = (void *) policy;
    conf->shadow = policy;

    return NGX_OK;
}


static void
ngx_http_unicors_free_policy(void *data)
{
    unicors_policy_free(data);
}


static ngx_int_t
ngx_http_unicors_set_key(ngx_conf_t *cf, unicors_policy_builder *builder,
    const ngx_http_unicors_key_t *key, ngx_http_unicors_setting_t *setting)
{
    unicors_bytes   *items;
    ngx_str_t       *strings;
    unicors_status   rc;
    ngx_uint_t       i;
    size_t           key_len;

    key_len = ngx_strlen(key->key);

    switch (key->type) {

    case NGX_HTTP_UNICORS_LIST:
        items = ngx_palloc(cf->temp_pool,
                           setting->strings->nelts * sizeof(unicors_bytes));
        if (items == NULL) {
            return NGX_ERROR;
        }

        strings = setting->strings->elts;

        for (i = 0; i < setting->strings->nelts; i++) {
            items[i].data = strings[i].data;
            items[i].len = strings[i].len;
        }

        rc = unicors_policy_builder_set_strings(builder, (u_char *) key->key,
                                                key_len, items,
                                                setting->strings->nelts);
        break;

    case NGX_HTTP_UNICORS_FLAG:
        rc = unicors_policy_builder_set_bool(builder, (u_char *) key->key,
                                             key_len, setting->number != 0);
        break;

    default: /* NGX_HTTP_UNICORS_NUMBER */
        rc = unicors_policy_builder_set_integer(builder, (u_char *) key->key,
                                                key_len, setting->number);
        break;
    }

    if (rc != UNICORS_STATUS_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "unicors: cannot set \"%s\": %s in %V:%ui", key->key,
                      unicors_status_str(rc), &setting->origin.conf_file,
                      setting->origin.line);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* The directive a problem comes from: the inline directive of the key
 * its field starts with ("allow_origins[2]" -> allow_origins), else the
 * unicors_policy directive (the key came from the file). */
static const ngx_http_unicors_origin_t *
ngx_http_unicors_problem_origin(ngx_http_unicors_loc_conf_t *conf,
    unicors_problem *problem, ngx_uint_t *from_file)
{
    size_t      len;
    ngx_uint_t  i;

    for (len = 0; len < problem->field_len; len++) {
        if (problem->field[len] == '[' || problem->field[len] == '.') {
            break;
        }
    }

    for (i = 0; i < NGX_HTTP_UNICORS_KEYS; i++) {
        if (conf->keys[i].set
            && ngx_strlen(ngx_http_unicors_keys[i].key) == len
            && ngx_strncmp(ngx_http_unicors_keys[i].key, problem->field, len)
               == 0)
        {
            *from_file = 0;
            return &conf->keys[i].origin;
        }
    }

    if (conf->policy_file.len) {
        *from_file = 1;
        return &conf->policy_origin;
    }

    /* A problem spanning several inline keys: point at the first one. */
    for (i = 0; i < NGX_HTTP_UNICORS_KEYS; i++) {
        if (conf->keys[i].set) {
            *from_file = 0;
            return &conf->keys[i].origin;
        }
    }

    return NULL;
}


/* One line per problem, errors as emerg and warnings as warn, so that
 * `nginx -t` lists everything wrong at once. */
static void
ngx_http_unicors_report(ngx_conf_t *cf, ngx_http_unicors_loc_conf_t *conf,
    unicors_config_error *error)
{
    const ngx_http_unicors_origin_t  *origin;
    unicors_problem                   problem;
    ngx_uint_t                        i, level, from_file;
    ngx_str_t                         unknown = ngx_string("?");
    ngx_str_t                         empty = ngx_null_string;

    for (i = 0; i < unicors_config_error_count(error); i++) {
        if (unicors_config_error_at(error, i, &problem) != UNICORS_STATUS_OK) {
            continue;
        }

        level = problem.severity == UNICORS_SEVERITY_ERROR
                ? NGX_LOG_EMERG : NGX_LOG_WARN;
        from_file = 0;
        origin = ngx_http_unicors_problem_origin(conf, &problem, &from_file);

        ngx_log_error(level, cf->log, 0,
                      "unicors: %*s%s%s: %*s%s%*s%s%s%V%s in %V:%ui",
                      problem.field_len, problem.field,
                      problem.field_len ? ": " : "", problem.code,
                      problem.message_len, problem.message,
                      problem.value_len ? " (value \"" : "",
                      problem.value_len, problem.value,
                      problem.value_len ? "\")" : "",
                      from_file ? " in policy file \"" : "",
                      from_file ? &conf->policy_file : &empty,
                      from_file ? "\"" : "",
                      origin ? &origin->conf_file : &unknown,
                      origin ? origin->line : 0);
    }
}
