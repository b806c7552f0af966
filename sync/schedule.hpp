#pragma once
// When background walks are due: each connected shop's daily reconcile at its own minute of the day
// (spread by a hash of tenant and shop, so 10k shops are not all reconciled at midnight), and the
// incremental sweep every interval. Pure: the server's scheduler feeds it the shops and the time.

#include "storage/integrations_repo.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nexsync::sync {

/// A walk to queue on a shop's connection (direction reconcile or sweep).
struct due_walk {
  std::int64_t tenant_id = 0;
  std::string shop_domain;
  std::string direction;
};

/// The shop's second of the UTC day for its daily reconcile (stable across restarts).
std::int64_t daily_slot(std::int64_t tenant_id, const std::string& shop_domain);

/// The walks due at `now` (Unix seconds). A shop never reconciled counts from `since_start` (when the
/// scheduler started), so a restart does not reconcile every shop at once. sweep_interval 0: no sweeps.
std::vector<due_walk> due_walks(const std::vector<storage::connected_shop>& shops, std::int64_t now,
                                std::int64_t since_start, std::chrono::seconds sweep_interval);

}  // namespace nexsync::sync
