#pragma once
// The simulator as one HTTP handler: finds the shop (Host header or /shops/{name}/ prefix) and
// dispatches to OAuth, the Admin API, bulk results or the /_sim/ control API. All state lives on one
// io_context thread, so no locks are needed.

#include "http/message.hpp"
#include "sim/executor/executor.hpp"
#include "sim/store/store.hpp"
#include "sim/webhooks/dispatcher.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace nexsync::sim {

/// Start-up settings (the command line).
struct app_config {
  std::string app_key;
  std::string app_secret;
  std::string app_url;            ///< redirect URIs and webhook addresses must live under it
  std::string admin_token;        ///< bearer token of /_sim/
  double time_scale = 1.0;        ///< scales webhook retry delays and bulk durations
  std::string public_url;         ///< how clients reach the simulator (bulk result URLs)
  std::string compliance_url;     ///< where compliance webhooks go by default
  std::string api_version = "2026-10";
  int access_token_ttl = 3600;    ///< seconds, expiring offline tokens
  int refresh_token_ttl = 7776000;
};

/// An issued access or refresh token.
struct token_info {
  std::uint32_t shop = 0;
  std::string scopes;             ///< "read_products,write_inventory"
  store::seconds expires_at = 0;  ///< 0 = never
  bool revoked = false;
  std::string predecessor;        ///< refresh tokens: the one this replaced (valid until this is used)
};

/// The simulator application.
class app : public executor::services {
 public:
  app(boost::asio::io_context& io, app_config cfg);

  /// Handles one request.
  boost::asio::awaitable<http::response> handle(http::request& req);
  /// The shops.
  store::store& shops() { return store_; }
  /// The webhook engine.
  webhooks::dispatcher& hooks() { return hooks_; }
  /// Settings (public_url may be filled in after listening).
  app_config& config() { return cfg_; }

  // executor::services
  void uninstall(store::shop& s) override;
  void start_bulk(store::shop& s, std::size_t index) override;
  std::string bulk_url(const store::shop& s, const store::bulk_operation& op) override;
  bool webhook_uri_allowed(std::string_view uri) override;
  std::string app_key() override { return cfg_.app_key; }

  /// Issues an access token directly (control API and tests); returns it.
  std::string issue_token(store::shop& s, const std::string& scopes, bool expiring);
  /// Creates and fires webhooks for a new order built from a control-API body; error text on bad input.
  std::optional<std::string> create_order(store::shop& s, const boost::json::object& body, std::size_t& index);

 private:
  // oauth/oauth.cpp
  http::response oauth_authorize(store::shop& s, http::request& req);
  http::response oauth_install(store::shop& s, http::request& req);
  http::response oauth_token(store::shop& s, http::request& req);
  http::response revoke_permissions(store::shop& s, http::request& req);
  // admin_api.cpp
  boost::asio::awaitable<http::response> admin_graphql(store::shop& s, http::request& req, std::string version);
  boost::asio::awaitable<http::response> admin_graphql_inner(store::shop& s, http::request& req, std::string version);
  // control/control.cpp
  boost::asio::awaitable<http::response> control(http::request& req);
  // app.cpp
  http::response bulk_result(http::request& req);
  std::optional<const token_info*> check_token(store::shop& s, http::request& req);
  boost::asio::awaitable<void> run_bulk(std::uint32_t shop, std::size_t index);

  boost::asio::io_context& io_;
  app_config cfg_;
  store::store store_;
  webhooks::dispatcher hooks_;

  struct code_info {
    std::uint32_t shop = 0;
    std::string scopes;
    std::chrono::steady_clock::time_point expires;
    std::string redirect_uri;
  };
  std::map<std::string, code_info> codes_;
  std::map<std::string, token_info, std::less<>> access_tokens_;
  std::map<std::string, token_info, std::less<>> refresh_tokens_;
  std::map<std::string, std::string> bulk_secrets_;  ///< op id -> url secret
  std::map<std::uint32_t, std::string> granted_override_;  ///< shop -> scopes to grant instead of those requested
  friend struct control_access;
};

/// The granted scope list for a requested one (deduplicated, known scopes only, order kept).
std::string normalize_scopes(std::string_view requested);

}  // namespace nexsync::sim
