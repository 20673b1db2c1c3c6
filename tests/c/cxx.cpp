// A C++17 translation unit using include/unicors.h: the header must compile
// cleanly as C++ (extern "C", enums with a uint32_t underlying type) and be
// usable with RAII wrappers, string views and a capture-less lambda as the
// foreach callback. Prints `cxx: N checks, F failures`.
#include "unicors.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

static_assert(std::is_same_v<std::underlying_type_t<unicors_status>, std::uint32_t>);
static_assert(std::is_same_v<std::underlying_type_t<unicors_kind>, std::uint32_t>);
static_assert(std::is_same_v<std::underlying_type_t<unicors_origin_verdict>, std::uint32_t>);
static_assert(std::is_standard_layout_v<unicors_header> && std::is_trivially_copyable_v<unicors_header>);
static_assert(sizeof(unicors_header) == 4 * sizeof(void *));
static_assert(UNICORS_VERSION_NUMBER ==
              UNICORS_VERSION_MAJOR * 1000000 + UNICORS_VERSION_MINOR * 1000 + UNICORS_VERSION_PATCH);

namespace {

unsigned long checks = 0;
unsigned long failures = 0;

void check(bool ok, int line, const char *what)
{
    ++checks;
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAIL line %d: %s\n", line, what);
    }
}
#define CHECK(cond) check(static_cast<bool>(cond), __LINE__, #cond)

struct PolicyFree {
    void operator()(const unicors_policy *p) const noexcept { unicors_policy_free(p); }
};
struct DecisionFree {
    void operator()(unicors_decision *d) const noexcept { unicors_decision_free(d); }
};
struct ErrorFree {
    void operator()(unicors_config_error *e) const noexcept { unicors_config_error_free(e); }
};
using Policy = std::unique_ptr<const unicors_policy, PolicyFree>;
using Decision = std::unique_ptr<unicors_decision, DecisionFree>;
using ConfigError = std::unique_ptr<unicors_config_error, ErrorFree>;

const std::uint8_t *bytes(std::string_view s)
{
    return reinterpret_cast<const std::uint8_t *>(s.data());
}

std::string_view view(const std::uint8_t *p, std::size_t n)
{
    return n ? std::string_view(reinterpret_cast<const char *>(p), n) : std::string_view();
}

unicors_header header(std::string_view name, std::string_view value)
{
    return unicors_header{bytes(name), name.size(), bytes(value), value.size()};
}

std::pair<Policy, ConfigError> parse(std::string_view document, unicors_format format)
{
    const unicors_policy *policy = nullptr;
    unicors_config_error *error = nullptr;
    unicors_status status =
        unicors_policy_from_document(bytes(document), document.size(), format, &policy, &error);
    CHECK((status == UNICORS_STATUS_OK) == (policy != nullptr));
    return {Policy(policy), ConfigError(error)};
}

} // namespace

int main()
{
    CHECK(std::string_view(unicors_version()) == "unicors/" UNICORS_VERSION_STRING);
    CHECK(std::string_view(unicors_status_str(UNICORS_STATUS_OK)) == "ok");
    CHECK(std::string_view(unicors_kind_str(UNICORS_KIND_PREFLIGHT)) == "preflight");

    constexpr std::string_view toml = R"(allow_origins = ["https://app.example"]
allow_methods = ["PUT"]
allow_headers = ["x-a"]
)";
    auto [policy, error] = parse(toml, UNICORS_FORMAT_TOML);
    CHECK(policy != nullptr && error == nullptr);
    if (!policy) {
        std::printf("cxx: %lu checks, %lu failures\n", checks, failures);
        return 1;
    }
    Policy shared(unicors_policy_clone(policy.get()));
    CHECK(shared.get() == policy.get());

    Decision decision(unicors_decision_new());
    const std::string origin = "https://app.example";
    const std::vector<unicors_header> request = {
        header("Origin", origin),
        header("Access-Control-Request-Method", "PUT"),
        header("Access-Control-Request-Headers", "x-a"),
    };
    constexpr std::string_view method = "OPTIONS", path = "/";
    unicors_status status =
        unicors_evaluate(shared.get(), bytes(method), method.size(), bytes(path), path.size(),
                         request.data(), request.size(), UNICORS_ORIGIN_VERDICT_NONE, decision.get());
    CHECK(status == UNICORS_STATUS_OK);
    CHECK(unicors_decision_kind(decision.get()) == UNICORS_KIND_PREFLIGHT);
    CHECK(unicors_decision_status(decision.get()) == 204);
    CHECK(std::string_view(unicors_decision_vary(decision.get())).find("Origin") != std::string_view::npos);

    // foreach with a capture-less lambda converted to the C callback type.
    std::vector<std::pair<std::string, std::string>> seen;
    unicors_header_callback callback = [](void *userdata, const unicors_header *h) -> int {
        auto *out = static_cast<std::vector<std::pair<std::string, std::string>> *>(userdata);
        out->emplace_back(std::string(view(h->name, h->name_len)),
                          std::string(view(h->value, h->value_len)));
        return 0;
    };
    CHECK(unicors_decision_foreach_header(decision.get(), callback, &seen) == UNICORS_STATUS_OK);
    CHECK(seen.size() == unicors_decision_header_count(decision.get()));
    bool found = false;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        unicors_header h{};
        CHECK(unicors_decision_header_at(decision.get(), i, &h) == UNICORS_STATUS_OK);
        CHECK(view(h.name, h.name_len) == seen[i].first);
        CHECK(view(h.value, h.value_len) == seen[i].second);
        if (seen[i].first == "Access-Control-Allow-Origin") {
            found = seen[i].second == origin;
        }
    }
    CHECK(found);

    // A refused policy, its problems read through string views.
    auto [refused, problems] = parse(R"({"allow_origins": ["https://App.Example"], "bogus": 1})",
                                     UNICORS_FORMAT_JSON);
    CHECK(refused == nullptr && problems != nullptr);
    CHECK(unicors_config_error_count(problems.get()) == 2);
    std::vector<std::string> codes;
    for (std::size_t i = 0; i < unicors_config_error_count(problems.get()); ++i) {
        unicors_problem p{};
        if (unicors_config_error_at(problems.get(), i, &p) == UNICORS_STATUS_OK) {
            codes.emplace_back(std::string(p.code) + "@" + std::string(view(p.field, p.field_len)));
        }
    }
    CHECK(codes.size() == 2);
    CHECK((codes == std::vector<std::string>{"origin_not_canonical@allow_origins[0]", "unknown_key@bogus"} ||
           codes == std::vector<std::string>{"unknown_key@bogus", "origin_not_canonical@allow_origins[0]"}));
    const std::uint8_t *text = nullptr;
    std::size_t text_len = 0;
    CHECK(unicors_config_error_text(problems.get(), &text, &text_len) == UNICORS_STATUS_OK);
    CHECK(view(text, text_len).find("unknown_key") != std::string_view::npos);

    // Error statuses are plain enum values in C++ too.
    status = unicors_evaluate(nullptr, nullptr, 0, nullptr, 0, nullptr, 0, 0, decision.get());
    CHECK(status == UNICORS_STATUS_NULL_PARAMETER);
    CHECK(unicors_decision_kind(decision.get()) == UNICORS_KIND_NOT_CORS);

    std::printf("cxx: %lu checks, %lu failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
