/*
 * Deciding requests: one evaluation per request, in the preaccess phase
 * (after the location is final, before allow/deny, auth_basic and
 * auth_request can refuse a preflight) or, for a request that never got
 * there (a `return` in the rewrite phase, an early error), in the header
 * filter. Preflights the policy answers are answered here; every other
 * response gets the decision's headers from the header filter, whatever
 * its status. The decision is kept in a request-pool cleanup as well as
 * in the module context, because an internal redirect (error_page,
 * try_files) clears module contexts: the redirected response must carry
 * the original request's headers, once.
 */

#include "ngx_http_unicors.h"


/* A header to set, copied out of the worker's decision buffer. */
typedef struct {
    ngx_str_t                     name;
    ngx_str_t                     value;
} ngx_http_unicors_header_t;

/* What was decided for one request. */
typedef struct {
    unicors_kind                  kind;
    const char                   *reason;      /* static, or NULL */
    ngx_uint_t                    status;      /* answer now, or 0 */
    uint32_t                      vary;
    ngx_uint_t                    upstream_headers;
    ngx_uint_t                    nheaders;
    ngx_http_unicors_header_t    *headers;
    unsigned                      applied:1;
    /* With a report-only policy: its decision, and what differs. */
    unsigned                      shadowed:1;
    unicors_kind                  shadow_kind;
    const char                   *shadow_reason;
    uint32_t                      difference;
} ngx_http_unicors_ctx_t;

/* Per-worker buffers, reused by every request of the worker (nginx runs
 * one request at a time per worker thread of control). */
typedef struct {
    unicors_decision             *decision;
    unicors_decision             *shadow_decision;
    unicors_header               *lines;
    ngx_uint_t                    capacity;
} ngx_http_unicors_worker_t;

static ngx_http_unicors_worker_t  ngx_http_unicors_worker;

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;

static ngx_str_t  ngx_http_unicors_kind_names[] = {
    ngx_string("not_cors"),
    ngx_string("preflight"),
    ngx_string("actual"),
    ngx_string("rejected"),
};


ngx_int_t
ngx_http_unicors_init_worker(ngx_cycle_t *cycle)
{
    ngx_http_unicors_worker.decision = unicors_decision_new();
    ngx_http_unicors_worker.shadow_decision = unicors_decision_new();

    return ngx_http_unicors_worker.decision
           && ngx_http_unicors_worker.shadow_decision ? NGX_OK : NGX_ERROR;
}


void
ngx_http_unicors_exit_worker(ngx_cycle_t *cycle)
{
    unicors_decision_free(ngx_http_unicors_worker.decision);
    unicors_decision_free(ngx_http_unicors_worker.shadow_decision);
    ngx_free(ngx_http_unicors_worker.lines);
    ngx_memzero(&ngx_http_unicors_worker, sizeof(ngx_http_unicors_worker));
}


/* Marks the pool cleanup that carries the context; never frees anything. */
static void
ngx_http_unicors_ctx_marker(void *data)
{
}


static ngx_http_unicors_ctx_t *
ngx_http_unicors_get_ctx(ngx_http_request_t *r)
{
    ngx_http_unicors_ctx_t  *ctx;
    ngx_pool_cleanup_t      *cln;

    ctx = ngx_http_get_module_ctx(r, ngx_http_unicors_module);
    if (ctx != NULL) {
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_unicors_ctx_marker) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_unicors_module);
            return ctx;
        }
    }

    return NULL;
}


/* Every request header line, as the core reads them; the array is the
 * worker's and grows to the largest request seen. */
static unicors_header *
ngx_http_unicors_request_lines(ngx_http_request_t *r, ngx_uint_t *count)
{
    ngx_http_unicors_worker_t  *w = &ngx_http_unicors_worker;
    ngx_list_part_t            *part;
    ngx_table_elt_t            *h;
    unicors_header             *lines;
    ngx_uint_t                  i, n;

    n = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        n += part->nelts;
    }

    if (n > w->capacity) {
        lines = ngx_alloc(n * 2 * sizeof(unicors_header), r->connection->log);
        if (lines == NULL) {
            return NULL;
        }
        ngx_free(w->lines);
        w->lines = lines;
        w->capacity = n * 2;
    }

    n = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            w->lines[n].name = h[i].key.data;
            w->lines[n].name_len = h[i].key.len;
            w->lines[n].value = h[i].value.data;
            w->lines[n].value_len = h[i].value.len;
            n++;
        }
    }

    *count = n;
    return w->lines;
}


static uint32_t
ngx_http_unicors_verdict(ngx_http_request_t *r,
    ngx_http_unicors_loc_conf_t *lcf)
{
    ngx_str_t  v;

    if (lcf->verdict == NULL) {
        return UNICORS_ORIGIN_VERDICT_NONE;
    }

    if (ngx_http_complex_value(r, lcf->verdict, &v) != NGX_OK) {
        return UNICORS_ORIGIN_VERDICT_DENY;
    }

    if (v.len == 0) {
        return UNICORS_ORIGIN_VERDICT_NONE;
    }

    /* Anything but "allow" fails closed. */
    if (v.len == 5 && ngx_strncmp(v.data, "allow", 5) == 0) {
        return UNICORS_ORIGIN_VERDICT_ALLOW;
    }

    return UNICORS_ORIGIN_VERDICT_DENY;
}


/* Keeps the report-only decision in the context and logs a difference at
 * info: static names only, no request byte (nginx adds the request line
 * to the log context itself). */
static void
ngx_http_unicors_report_shadow(ngx_http_request_t *r,
    ngx_http_unicors_ctx_t *ctx, ngx_http_unicors_worker_t *w)
{
    const char  *reason, *shadow_reason;

    ctx->shadowed = 1;
    ctx->shadow_kind = unicors_decision_kind(w->shadow_decision);
    ctx->shadow_reason = unicors_decision_reason_code(w->shadow_decision);

    if (ctx->difference == 0) {
        return;
    }

    reason = unicors_decision_reason_code(w->decision);
    shadow_reason = ctx->shadow_reason;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "unicors: report-only policy differs (%s): enforced %s%s%s%s, "
                  "report-only %s%s%s%s",
                  unicors_difference_names(ctx->difference),
                  unicors_kind_str(unicors_decision_kind(w->decision)),
                  reason ? " (" : "", reason ? reason : "", reason ? ")" : "",
                  unicors_kind_str(ctx->shadow_kind),
                  shadow_reason ? " (" : "", shadow_reason ? shadow_reason : "",
                  shadow_reason ? ")" : "");
}


static ngx_http_unicors_ctx_t *
ngx_http_unicors_decide(ngx_http_request_t *r, ngx_http_unicors_loc_conf_t *lcf)
{
    ngx_http_unicors_worker_t  *w = &ngx_http_unicors_worker;
    ngx_http_unicors_ctx_t     *ctx;
    ngx_pool_cleanup_t         *cln;
    unicors_header             *lines;
    const unicors_header       *header;
    const unicors_decision_view *view;
    unicors_status              rc;
    ngx_uint_t                  i, count;
    u_char                     *copy;

    if (w->decision == NULL) {
        w->decision = unicors_decision_new();
    }

    if (w->shadow_decision == NULL) {
        w->shadow_decision = unicors_decision_new();
    }

    if (w->decision == NULL || w->shadow_decision == NULL) {
        return NULL;
    }

    lines = ngx_http_unicors_request_lines(r, &count);
    if (lines == NULL) {
        return NULL;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_unicors_ctx_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (ctx == NULL || cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_unicors_ctx_marker;
    cln->data = ctx;
    ngx_http_set_ctx(r, ctx, ngx_http_unicors_module);

    ctx->upstream_headers = lcf->upstream_headers;

    if (lcf->shadow == NULL) {
        rc = unicors_evaluate(lcf->policy, r->method_name.data,
                              r->method_name.len, r->uri.data, r->uri.len,
                              lines, count, ngx_http_unicors_verdict(r, lcf),
                              w->decision);
    } else {
        rc = unicors_evaluate_shadowed(lcf->policy, lcf->shadow,
                                       r->method_name.data, r->method_name.len,
                                       r->uri.data, r->uri.len, lines, count,
                                       ngx_http_unicors_verdict(r, lcf),
                                       w->decision, w->shadow_decision,
                                       &ctx->difference);
    }

    if (rc != UNICORS_STATUS_OK) {
        /* The buffer is left empty: nothing is added. */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "unicors: evaluation failed: %s",
                      unicors_status_str(rc));
    }

    if (lcf->shadow != NULL) {
        ngx_http_unicors_report_shadow(r, ctx, w);
        unicors_counters_record_shadowed(ngx_http_unicors_counters(),
                                         w->decision, w->shadow_decision,
                                         ctx->difference);
    } else {
        unicors_counters_record(ngx_http_unicors_counters(), w->decision);
    }

    /* One call for the whole decision: the buffer's view. */
    view = unicors_decision_get_view(w->decision);
    ctx->kind = view->kind;
    ctx->reason = view->reason_code;
    ctx->status = view->status;
    ctx->vary = view->vary_bits;
    ctx->nheaders = view->header_count;

    if (ctx->nheaders) {
        ctx->headers = ngx_palloc(r->pool, ctx->nheaders
                                           * sizeof(ngx_http_unicors_header_t));
        if (ctx->headers == NULL) {
            return NULL;
        }
    }

    /* Names are static; values may point into the worker's buffer, so
     * they are copied before the next request reuses it. */
    for (i = 0; i < ctx->nheaders; i++) {
        header = &view->headers[i];

        copy = ngx_pnalloc(r->pool, header->value_len);
        if (copy == NULL && header->value_len) {
            return NULL;
        }

        ngx_memcpy(copy, header->value, header->value_len);
        ctx->headers[i].name.data = (u_char *) header->name;
        ctx->headers[i].name.len = header->name_len;
        ctx->headers[i].value.data = copy;
        ctx->headers[i].value.len = header->value_len;
    }

    if (ctx->kind == UNICORS_KIND_REJECTED && ctx->reason != NULL) {
        /* Only the static reason: no request byte reaches the log. */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "unicors: rejected %s: %s", ctx->reason,
                      unicors_decision_reason_message(w->decision));
    }

    return ctx;
}


static ngx_int_t
ngx_http_unicors_preaccess_handler(ngx_http_request_t *r)
{
    ngx_http_unicors_loc_conf_t  *lcf;
    ngx_http_unicors_ctx_t       *ctx;
    ngx_int_t                     rc;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_unicors_module);

    if (!lcf->enable || lcf->policy == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_unicors_get_ctx(r) != NULL) {
        /* Decided before an internal redirect: keep that decision. */
        return NGX_DECLINED;
    }

    ctx = ngx_http_unicors_decide(r, lcf);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->status == 0) {
        return NGX_DECLINED;
    }

    /* A preflight answered now: status and headers (added by the header
     * filter, like every response's), no body, no upstream. */
    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    r->headers_out.status = ctx->status;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    rc = ngx_http_send_header(r);
    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


static ngx_table_elt_t *
ngx_http_unicors_find(ngx_list_t *headers, ngx_str_t *name)
{
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    ngx_uint_t        i;

    for (part = &headers->part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash != 0 && h[i].key.len == name->len
                && ngx_strncasecmp(h[i].key.data, name->data, name->len) == 0)
            {
                return &h[i];
            }
        }
    }

    return NULL;
}


/* Drops every Access-Control-* header the app, an upstream or add_header
 * set (a zero hash is how nginx deletes a header). */
static void
ngx_http_unicors_drop_app_headers(ngx_list_t *headers)
{
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    ngx_uint_t        i;

    for (part = &headers->part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (unicors_is_cors_response_header(h[i].key.data, h[i].key.len)) {
                h[i].hash = 0;
            }
        }
    }
}


static ngx_int_t
ngx_http_unicors_push(ngx_http_request_t *r, ngx_str_t *name, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key = *name;
    h->value = *value;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


/* Appends the decision's Vary names the response does not list yet, as
 * one more Vary line. */
static ngx_int_t
ngx_http_unicors_append_vary(ngx_http_request_t *r, uint32_t vary)
{
    static ngx_str_t  name = ngx_string("Vary");
    unicors_bytes     existing[16];
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    ngx_uint_t        i, n;
    ngx_str_t         value;
    const char       *missing;

    if (vary == 0) {
        return NGX_OK;
    }

    n = 0;
    for (part = &r->headers_out.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash != 0 && h[i].key.len == 4
                && ngx_strncasecmp(h[i].key.data, (u_char *) "Vary", 4) == 0
                && n < sizeof(existing) / sizeof(existing[0]))
            {
                existing[n].data = h[i].value.data;
                existing[n].len = h[i].value.len;
                n++;
            }
        }
    }

    /* Beyond 16 Vary lines the rest are not looked at: a name may then
     * be listed twice, which is harmless. */
    missing = unicors_vary_missing(vary, existing, n);

    if (*missing == '\0') {
        return NGX_OK;
    }

    value.data = (u_char *) missing;
    value.len = ngx_strlen(missing);

    return ngx_http_unicors_push(r, &name, &value);
}


static ngx_int_t
ngx_http_unicors_header_filter(ngx_http_request_t *r)
{
    ngx_http_unicors_loc_conf_t  *lcf;
    ngx_http_unicors_ctx_t       *ctx;
    ngx_uint_t                    i;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_unicors_get_ctx(r);

    if (ctx == NULL) {
        lcf = ngx_http_get_module_loc_conf(r, ngx_http_unicors_module);

        if (!lcf->enable || lcf->policy == NULL) {
            return ngx_http_next_header_filter(r);
        }

        ctx = ngx_http_unicors_decide(r, lcf);
        if (ctx == NULL) {
            return NGX_ERROR;
        }
    }

    if (ctx->applied) {
        return ngx_http_next_header_filter(r);
    }

    ctx->applied = 1;

    if (ctx->upstream_headers == NGX_HTTP_UNICORS_REPLACE) {
        ngx_http_unicors_drop_app_headers(&r->headers_out.headers);
    }

    for (i = 0; i < ctx->nheaders; i++) {
        if (ctx->upstream_headers == NGX_HTTP_UNICORS_KEEP
            && ngx_http_unicors_find(&r->headers_out.headers,
                                     &ctx->headers[i].name) != NULL)
        {
            continue;
        }

        if (ngx_http_unicors_push(r, &ctx->headers[i].name,
                                  &ctx->headers[i].value) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_unicors_append_vary(r, ctx->vary) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_next_header_filter(r);
}


/* The variables, by `data`. */
enum {
    NGX_HTTP_UNICORS_VAR_DECISION,
    NGX_HTTP_UNICORS_VAR_REASON,
    NGX_HTTP_UNICORS_VAR_SHADOW,
    NGX_HTTP_UNICORS_VAR_SHADOW_DECISION,
    NGX_HTTP_UNICORS_VAR_SHADOW_REASON
};


static ngx_int_t
ngx_http_unicors_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_http_unicors_ctx_t  *ctx;
    const char              *text;
    ngx_str_t               *kind;

    ctx = ngx_http_unicors_get_ctx(r->main);
    text = NULL;
    kind = NULL;

    if (ctx != NULL) {
        switch (data) {
        case NGX_HTTP_UNICORS_VAR_DECISION:
            kind = &ngx_http_unicors_kind_names[ctx->kind & 3];
            break;
        case NGX_HTTP_UNICORS_VAR_REASON:
            text = ctx->reason;
            break;
        case NGX_HTTP_UNICORS_VAR_SHADOW:
            /* What differs ("kind, reason, headers"), empty when nothing
             * does; not found without a report-only policy. */
            if (ctx->shadowed) {
                text = ctx->difference ? unicors_difference_names(ctx->difference)
                                       : "";
            }
            break;
        case NGX_HTTP_UNICORS_VAR_SHADOW_DECISION:
            if (ctx->shadowed) {
                kind = &ngx_http_unicors_kind_names[ctx->shadow_kind & 3];
            }
            break;
        default:
            text = ctx->shadowed ? ctx->shadow_reason : NULL;
            break;
        }
    }

    if (kind != NULL) {
        v->data = kind->data;
        v->len = kind->len;

    } else if (text != NULL) {
        v->data = (u_char *) text;
        v->len = ngx_strlen(text);

    } else {
        v->not_found = 1;
        return NGX_OK;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_unicors_add_variables(ngx_conf_t *cf)
{
    static ngx_str_t      names[] = {
        ngx_string("unicors_decision"),
        ngx_string("unicors_reason"),
        ngx_string("unicors_shadow"),
        ngx_string("unicors_shadow_decision"),
        ngx_string("unicors_shadow_reason"),
    };
    ngx_http_variable_t  *var;
    ngx_uint_t            i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        var = ngx_http_add_variable(cf, &names[i], NGX_HTTP_VAR_NOCACHEABLE);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = ngx_http_unicors_variable;
        var->data = i;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_unicors_install(ngx_conf_t *cf)
{
    ngx_http_core_main_conf_t  *cmcf;
    ngx_http_handler_pt        *h;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_unicors_preaccess_handler;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_unicors_header_filter;

    return NGX_OK;
}
