#include "tests/sim/support.hpp"

#include "log/log.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <future>

namespace nexsync::sim::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;

json::value reply::json() const {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

reply call(unsigned short port, const std::string& method, const std::string& target, const std::string& body,
           std::vector<std::pair<std::string, std::string>> headers) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  bool has_type = false;
  for (auto& [k, v] : headers) {
    req.set(k, v);
    if (k == "Content-Type") has_type = true;
  }
  if (!has_type && !body.empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.keep_alive(false);
  req.prepare_payload();
  bhttp::write(socket, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  bhttp::read(socket, buffer, parser);
  reply r;
  r.status = parser.get().result_int();
  for (const auto& f : parser.get()) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  r.body = parser.get().body();
  return r;
}

harness::harness(double time_scale) {
  nexsync::log::set_level("warn");
  receiver_ = std::make_unique<http::server>(io_, http::server_options{}, [this](http::request& req) -> asio::awaitable<http::response> {
    received r;
    for (const auto& [k, v] : req.headers) {
      std::string name = k;
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = v;
    }
    r.body = req.body;
    {
      std::lock_guard lock(mutex_);
      received_.push_back(std::move(r));
    }
    http::response res;
    res.status = receiver_status_;
    co_return res;
  });
  receiver_port_ = receiver_->listen("127.0.0.1", 0).port();
  receiver_->start();
  sim::app_config cfg;
  cfg.app_key = key;
  cfg.app_secret = secret;
  cfg.app_url = app_url();
  cfg.admin_token = admin;
  cfg.time_scale = time_scale;
  cfg.compliance_url = app_url() + "/compliance";
  app_ = std::make_unique<sim::app>(io_, cfg);
  server_ = std::make_unique<http::server>(io_, http::server_options{}, [this](http::request& r) { return app_->handle(r); });
  port_ = server_->listen("127.0.0.1", 0).port();
  app_->config().public_url = "http://127.0.0.1:" + std::to_string(port_);
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
}

harness::~harness() {
  std::promise<void> done;
  asio::post(io_, [&] {
    server_->shutdown(std::chrono::milliseconds(200), [] {});
    receiver_->shutdown(std::chrono::milliseconds(200), [] {});
    done.set_value();
  });
  done.get_future().wait();
  io_.stop();
  thread_.join();
}

std::string harness::app_url() const { return "http://127.0.0.1:" + std::to_string(receiver_port_); }

void harness::on_io(const std::function<void()>& f) {
  std::promise<void> done;
  asio::post(io_, [&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

reply harness::control(const std::string& method, const std::string& target, const std::string& body) {
  return call(port_, method, target, body, {{"Authorization", std::string("Bearer ") + admin}});
}

reply harness::create_shop(const std::string& spec_json) { return control("POST", "/_sim/shops", spec_json); }

std::string harness::token(const std::string& shop, const std::string& scopes) {
  std::string body = scopes.empty() ? "{}" : "{\"scopes\":\"" + scopes + "\"}";
  auto r = control("POST", "/_sim/shops/" + shop + "/tokens", body);
  return std::string(r.json().at("access_token").as_string());
}

reply harness::graphql(const std::string& shop, const std::string& token, const std::string& query, const std::string& variables_json) {
  std::string body = "{\"query\":" + json::serialize(json::value(query)) + ",\"variables\":" + variables_json + "}";
  return call(port_, "POST", "/shops/" + shop + "/admin/api/2026-10/graphql.json", body, {{"X-Shopify-Access-Token", token}});
}

std::vector<received> harness::webhooks() {
  std::lock_guard lock(mutex_);
  return received_;
}

bool harness::wait_for(const std::function<bool(const std::vector<received>&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred(webhooks())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred(webhooks());
}

}  // namespace nexsync::sim::test
