#pragma once
// Runs a planned operation against one shop: resolves every field, paginates connections, applies
// mutations, and counts the actual cost.

#include "sim/graphql/planner.hpp"
#include "sim/store/model.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <set>
#include <string>
#include <string_view>

namespace nexsync::sim::executor {

/// Side effects a mutation may need from the rest of the simulator.
class services {
 public:
  virtual ~services() = default;
  /// Revokes the app's tokens for the shop, deletes its subscriptions and fires app/uninstalled.
  virtual void uninstall(store::shop& s) = 0;
  /// Starts running bulk operation `s.bulk_operations[index]` in the background.
  virtual void start_bulk(store::shop& s, std::size_t index) = 0;
  /// The URL where a completed bulk operation's JSONL can be downloaded.
  virtual std::string bulk_url(const store::shop& s, const store::bulk_operation& op) = 0;
  /// True when a webhook address is acceptable for the app (under its --app-url).
  virtual bool webhook_uri_allowed(std::string_view uri) = 0;
  /// The app's API key and title (for `app` and `currentAppInstallation`).
  virtual std::string app_key() = 0;
};

/// What one execution may touch and what it produced.
struct context {
  /// A context for one shop.
  explicit context(store::shop& s) : shop(s) {}

  store::shop& shop;
  services* svc = nullptr;
  std::set<std::string, std::less<>> scopes;  ///< granted access scopes
  store::seconds now = 0;
  bool bulk = false;                          ///< bulk query: connections return everything
  boost::json::storage_ptr sp;                ///< where the response tree is allocated (a monotonic arena per request)
  std::string api_version = "2026-10";

  boost::json::array errors;                  ///< execution errors (data stays partial)
  boost::json::array search_warnings;         ///< extensions.search entries
  long actual_cost = 0;                       ///< accumulated while resolving

  /// True when the scope (or its write_ variant) was granted.
  bool has_scope(std::string_view scope) const;
};

/// Executes `p` and returns the `data` object (fields that failed are null; see ctx.errors).
boost::json::value execute(context& ctx, const graphql::plan& p);

/// Turns a bulk query's data into Shopify's JSONL (one object per line, children with __parentId).
std::string to_jsonl(const boost::json::value& data, std::uint64_t& objects, std::uint64_t& roots);

/// The "gid://shopify/Type/123" form of an id.
std::string gid(std::string_view type, std::uint64_t id);

/// Parses "gid://shopify/Type/123" (extra "?…" ignored); returns false if malformed.
bool parse_gid(std::string_view text, std::string& type, std::uint64_t& id);

}  // namespace nexsync::sim::executor
