#include "sim/webhooks/dispatcher.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "sim/oauth/signing.hpp"
#include "sim/store/time.hpp"
#include "sim/webhooks/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

namespace nexsync::sim::webhooks {

namespace asio = boost::asio;
namespace json = boost::json;

std::chrono::milliseconds retry_delay(int n, double time_scale) {
  double seconds = 14400.0 * std::pow(2.0, n - 1) / 255.0;
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0 * time_scale));
}

std::string uuid4() {
  std::string b = crypto::random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  std::string h = crypto::to_hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

dispatcher::dispatcher(asio::any_io_executor ex, store::store& st, options o)
    : ex_(std::move(ex)), store_(st), options_(std::move(o)) {}

void dispatcher::publish(store::shop& s, const std::string& topic, const json::value& payload) {
  std::string body = json::serialize(payload);
  std::string event_id = uuid4();
  std::string triggered = store::format_time(store::now_seconds());
  for (const auto& sub : s.subscriptions)
    if (sub.topic == topic) start(s, topic, sub.uri, body, sub.id, event_id, triggered);
}

void dispatcher::send(store::shop& s, const std::string& topic, const std::string& uri, const json::value& payload,
                      std::uint64_t subscription_id) {
  start(s, topic, uri, json::serialize(payload), subscription_id, uuid4(), store::format_time(store::now_seconds()));
}

void dispatcher::start(store::shop& s, const std::string& topic, const std::string& uri, const std::string& body,
                       std::uint64_t subscription_id, const std::string& event_id, const std::string& triggered_at) {
  auto d = std::make_shared<delivery>();
  d->seq = ++seq_;
  d->webhook_id = uuid4();
  d->event_id = event_id;
  d->topic = topic;
  d->shop = s.name;
  d->uri = uri;
  d->subscription_id = subscription_id;
  d->body = body;
  d->triggered_at = triggered_at;
  while (log_.size() >= max_logged && log_.front()->state != "pending" && log_.front()->state != "retrying") log_.pop_front();
  log_.push_back(d);
  if (s.rng.chance(s.faults.webhook_drop_rate)) {
    d->state = "dropped";
    return;
  }
  asio::co_spawn(ex_, run(d, s.number), asio::detached);
  if (s.rng.chance(s.faults.webhook_duplicate_rate)) {
    auto copy = std::make_shared<delivery>(*d);
    copy->seq = ++seq_;
    copy->duplicate = true;
    log_.push_back(copy);
    asio::co_spawn(ex_, run(copy, s.number), asio::detached);
  }
}

asio::awaitable<void> dispatcher::run(std::shared_ptr<delivery> d, std::uint32_t shop_number) {
  std::vector<std::pair<std::string, std::string>> headers{
      {"X-Shopify-Topic", d->topic},
      {"X-Shopify-Hmac-Sha256", oauth::sign_webhook(d->body, options_.secret)},
      {"X-Shopify-Shop-Domain", d->shop + ".myshopify.com"},
      {"X-Shopify-API-Version", options_.api_version},
      {"X-Shopify-Webhook-Id", d->webhook_id},
      {"X-Shopify-Event-Id", d->event_id},
      {"X-Shopify-Triggered-At", d->triggered_at},
  };
  for (int n = 0; n <= max_retries; ++n) {
    if (n > 0) {
      d->state = "retrying";
      asio::steady_timer timer(ex_, retry_delay(n, options_.time_scale));
      co_await timer.async_wait(asio::use_awaitable);
    }
    store::shop* s = store_.by_number(shop_number);
    // A subscription deleted meanwhile (uninstall, API delete) receives nothing more.
    if (d->subscription_id && s &&
        std::none_of(s->subscriptions.begin(), s->subscriptions.end(), [&](const auto& x) { return x.id == d->subscription_id; })) {
      d->state = "failed";
      co_return;
    }
    attempt a;
    a.at = store::format_time(store::now_seconds());
    auto started = std::chrono::steady_clock::now();
    post_result r = co_await post(d->uri, headers, d->body, options_.connect_timeout, options_.total_timeout);
    a.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    a.status = r.status;
    a.error = r.error;
    if (r.error.empty() && (r.status < 200 || r.status >= 300)) a.error = "non-2xx response";
    d->attempts.push_back(a);
    s = store_.by_number(shop_number);
    auto* sub = s ? [&]() -> store::subscription* {
      for (auto& x : s->subscriptions)
        if (x.id == d->subscription_id) return &x;
      return nullptr;
    }() : nullptr;
    if (a.error.empty()) {
      d->state = "delivered";
      if (sub) sub->consecutive_failures = 0;
      co_return;
    }
    if (sub) ++sub->consecutive_failures;
  }
  d->state = "failed";
  // The last of 8 retries failed: Shopify deletes an API-created subscription.
  if (store::shop* s = store_.by_number(shop_number); s && d->subscription_id) {
    auto& subs = s->subscriptions;
    subs.erase(std::remove_if(subs.begin(), subs.end(), [&](const auto& x) { return x.id == d->subscription_id; }), subs.end());
  }
}

json::array dispatcher::deliveries(const std::string& shop, const std::string& topic, std::size_t limit) const {
  std::vector<const delivery*> picked;
  for (auto it = log_.rbegin(); it != log_.rend() && (limit == 0 || picked.size() < limit); ++it)
    if ((*it)->shop == shop && (topic.empty() || (*it)->topic == topic)) picked.push_back(it->get());
  std::reverse(picked.begin(), picked.end());
  json::array out;
  for (const auto* d : picked) {
    json::array attempts;
    for (const auto& a : d->attempts)
      attempts.push_back(json::object{{"at", a.at}, {"status", a.status}, {"error", a.error}, {"ms", a.ms}});
    out.push_back(json::object{{"seq", d->seq},
                               {"webhook_id", d->webhook_id},
                               {"event_id", d->event_id},
                               {"topic", d->topic},
                               {"uri", d->uri},
                               {"subscription_id", d->subscription_id ? json::value("gid://shopify/WebhookSubscription/" + std::to_string(d->subscription_id)) : json::value(nullptr)},
                               {"state", d->state},
                               {"duplicate", d->duplicate},
                               {"triggered_at", d->triggered_at},
                               {"attempts", std::move(attempts)},
                               {"body", d->body}});
  }
  return out;
}

std::size_t dispatcher::in_flight() const {
  return static_cast<std::size_t>(std::count_if(log_.begin(), log_.end(), [](const auto& d) {
    return d->state == "pending" || d->state == "retrying";
  }));
}

}  // namespace nexsync::sim::webhooks
