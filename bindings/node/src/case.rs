//! JavaScript option names are camelCase (`allowOrigins`), policy keys
//! snake_case (`allow_origins`): keys go in converted, field paths of
//! problems come back converted.

use unicors::Value;

/// `allowOrigins` → `allow_origins` (keys already in snake_case stay).
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `routes[0].allow_origins[2]` → `routes[0].allowOrigins[2]`.
pub(crate) fn camel_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` with every policy key it names in camelCase (messages say
/// "did you mean `allow_credentials`?"; a JavaScript user wrote
/// `allowCredentials`).
pub(crate) fn camel_words(text: &str) -> String {
    let mut out = text.to_owned();
    for key in unicors::document::POLICY_KEYS {
        if key.contains('_') && out.contains(key) {
            out = out.replace(key, &camel_path(key));
        }
    }
    out
}

/// The options tree with every table key in snake_case.
pub(crate) fn snake_keys(value: Value) -> Value {
    match value {
        Value::Table(entries) => Value::Table(
            entries
                .into_iter()
                .map(|(key, value)| (snake(&key), snake_keys(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_keys).collect()),
        other => other,
    }
}
