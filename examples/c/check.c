/* Decide one preflight with libunicors: cc check.c $(pkg-config --cflags --libs unicors) */
#include <stdio.h>
#include <string.h>
#include <unicors.h>

#define H(n, v) { (const uint8_t *)(n), strlen(n), (const uint8_t *)(v), strlen(v) }

int main(void) {
    const char *doc = "allow_origins = [\"https://app.example.com\"]\nallow_methods = [\"PUT\"]\n";
    const unicors_policy *policy = NULL;
    unicors_config_error *error = NULL;
    if (unicors_policy_from_document((const uint8_t *)doc, strlen(doc), UNICORS_FORMAT_TOML, &policy, &error) != UNICORS_STATUS_OK) {
        const uint8_t *text; size_t len;
        if (unicors_config_error_text(error, &text, &len) == UNICORS_STATUS_OK) fprintf(stderr, "%.*s\n", (int)len, (const char *)text);
        unicors_config_error_free(error);
        return 1;
    }
    unicors_header request[] = { H("Origin", "https://app.example.com"), H("Access-Control-Request-Method", "PUT") };
    unicors_decision *decision = unicors_decision_new();   /* reuse it for every request */
    if (unicors_evaluate(policy, (const uint8_t *)"OPTIONS", 7, (const uint8_t *)"/items", 6, request, 2,
                         UNICORS_ORIGIN_VERDICT_NONE, decision) == UNICORS_STATUS_OK) {
        const unicors_decision_view *view = unicors_decision_get_view(decision);   /* the whole decision */
        printf("%s %u\n", unicors_kind_str(view->kind), view->status);
        for (size_t i = 0; i < view->header_count; i++) {
            const unicors_header *h = &view->headers[i];
            printf("%.*s: %.*s\n", (int)h->name_len, (const char *)h->name, (int)h->value_len, (const char *)h->value);
        }
        printf("Vary: %s\n", view->vary);
    }
    unicors_decision_free(decision);
    unicors_policy_free(policy);
    return 0;
}
