/*
 * Counters of the decisions (per kind and per reason, for the enforced and
 * the report-only policy), kept in one shared memory zone so that every
 * worker counts into the same set, and a location answering with them:
 *
 *   location = /unicors/counters { unicors_counters; allow 127.0.0.1; deny all; }
 *
 * answers "name value" lines, text/plain. The zone's name carries the
 * size of a set, so a reload keeps the counts (same zone, reused), and a
 * library with another set of counters gets a new zone rather than
 * reading the old one with the wrong layout.
 */

#include "ngx_http_unicors.h"


static ngx_int_t ngx_http_unicors_init_counters_zone(ngx_shm_zone_t *zone,
    void *data);
static ngx_int_t ngx_http_unicors_counters_handler(ngx_http_request_t *r);


/* The set in shared memory: placed by the master before the workers
 * fork, so each worker inherits the pointer. NULL without an http{}. */
static unicors_counters  *ngx_http_unicors_shared_counters;


unicors_counters *
ngx_http_unicors_counters(void)
{
    return ngx_http_unicors_shared_counters;
}


ngx_int_t
ngx_http_unicors_add_counters_zone(ngx_conf_t *cf)
{
    ngx_shm_zone_t  *zone;
    ngx_str_t        name;
    u_char          *p;

    name.data = ngx_pnalloc(cf->pool, sizeof("unicors_counters_") + NGX_SIZE_T_LEN);
    if (name.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(name.data, "unicors_counters_%uz", unicors_counters_size());
    name.len = p - name.data;

    /* Eight pages: the smallest zone a slab pool is made for. */
    zone = ngx_shared_memory_add(cf, &name, 8 * ngx_pagesize,
                                 &ngx_http_unicors_module);
    if (zone == NULL) {
        return NGX_ERROR;
    }

    zone->init = ngx_http_unicors_init_counters_zone;

    return NGX_OK;
}


static ngx_int_t
ngx_http_unicors_init_counters_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t   *shpool;
    unicors_counters  *counters;
    void              *memory;

    if (data != NULL) {
        /* A reload: the same zone, the counts go on. */
        zone->data = data;
        ngx_http_unicors_shared_counters = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (zone->shm.exists) {
        zone->data = shpool->data;
        ngx_http_unicors_shared_counters = shpool->data;
        return NGX_OK;
    }

    memory = ngx_slab_calloc(shpool, unicors_counters_size());
    if (memory == NULL) {
        return NGX_ERROR;
    }

    counters = unicors_counters_init(memory, unicors_counters_size(), 1);
    if (counters == NULL) {
        ngx_log_error(NGX_LOG_EMERG, zone->shm.log, 0,
                      "unicors: cannot place the counters in shared memory");
        return NGX_ERROR;
    }

    shpool->data = counters;
    zone->data = counters;
    ngx_http_unicors_shared_counters = counters;

    return NGX_OK;
}


char *
ngx_http_unicors_counters_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_unicors_counters_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_unicors_counters_handler(ngx_http_request_t *r)
{
    unicors_counters  *counters = ngx_http_unicors_shared_counters;
    ngx_buf_t         *b;
    ngx_chain_t        out;
    ngx_int_t          rc;
    ngx_uint_t         i, n;
    const char        *name;
    size_t             size;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (counters == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = unicors_counter_count();
    size = 0;
    for (i = 0; i < n; i++) {
        size += ngx_strlen(unicors_counter_name(i)) + 1 + NGX_INT64_LEN + 1;
    }

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < n; i++) {
        name = unicors_counter_name(i);
        b->last = ngx_sprintf(b->last, "%s %uL\n", name,
                              (uint64_t) unicors_counters_get(counters, i));
    }

    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    ngx_str_set(&r->headers_out.content_type, "text/plain");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
