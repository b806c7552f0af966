#pragma once
// Which tenant holds a shop, remembered for a few seconds: a webhook burst from one shop then costs one
// database lookup instead of one per delivery. Bounded staleness: a shop moved to another tenant is seen
// within the TTL (and an uninstall here forgets it at once); a stale answer can only store an event for
// the former holder, whose own token the order is then re-read with, so nothing is created elsewhere.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace nexsync::app {

class shop_tenant_cache {
 public:
  explicit shop_tenant_cache(std::chrono::milliseconds ttl = std::chrono::seconds(10), std::size_t max_entries = 100000)
      : ttl_(ttl), max_entries_(max_entries) {}

  /// The tenant remembered for this shop, if still fresh.
  std::optional<std::int64_t> find(const std::string& shop) {
    std::lock_guard lock{mutex_};
    auto it = entries_.find(shop);
    if (it == entries_.end() || it->second.expires < std::chrono::steady_clock::now()) return std::nullopt;
    return it->second.tenant_id;
  }
  /// Remembers the holder found in the database.
  void remember(const std::string& shop, std::int64_t tenant_id) {
    std::lock_guard lock{mutex_};
    if (entries_.size() >= max_entries_) entries_.clear();  // crude, and rare: 100k shops in 10 s
    entries_[shop] = entry{tenant_id, std::chrono::steady_clock::now() + ttl_};
  }
  /// Forgets a shop (uninstalled, disconnected).
  void forget(const std::string& shop) {
    std::lock_guard lock{mutex_};
    entries_.erase(shop);
  }

 private:
  struct entry {
    std::int64_t tenant_id = 0;
    std::chrono::steady_clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace nexsync::app
