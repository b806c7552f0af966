#pragma once
// A small Mustache subset for server-rendered pages: {{name}} (HTML-escaped), {{{name}}} (raw),
// {{#name}}…{{/name}} (sections: lists repeat, objects push context, truthy values show),
// {{^name}}…{{/name}} (inverted), {{> partial}}, {{! comment}}, dotted names (a.b).
// (libmstch-dev cannot be installed beside Boost 1.81 on Debian 12: it pulls Boost 1.74.)

#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace nexsync::http {

/// Finds a partial's text by name.
using partial_lookup = std::function<std::optional<std::string_view>(std::string_view)>;

/// Renders a template against a JSON context; throws std::runtime_error on unbalanced sections.
std::string render_template(std::string_view tmpl, const boost::json::value& context,
                            const partial_lookup& partials = {});

}  // namespace nexsync::http
