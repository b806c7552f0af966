#pragma once
// All simulated shops, found by name or by the shop number inside an id.

#include "sim/store/model.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexsync::sim::store {

/// The set of shops.
class store {
 public:
  /// The shop called `name` ("acme-jewellers"), or nullptr.
  shop* find(std::string_view name);
  /// The shop with this number, or nullptr.
  shop* by_number(std::uint32_t number);
  /// Creates an empty shop (its number is assigned); nullptr if the name is taken.
  shop* create(const std::string& name);
  /// Number of shops.
  std::size_t size() const { return shops_.size(); }
  /// Every shop in creation order.
  const std::vector<std::unique_ptr<shop>>& all() const { return shops_; }

 private:
  std::vector<std::unique_ptr<shop>> shops_;
  std::unordered_map<std::string, shop*> by_name_;
};

/// True for a valid shop subdomain: [a-zA-Z0-9][a-zA-Z0-9-]*, at most 60 characters.
bool valid_shop_name(std::string_view name);

}  // namespace nexsync::sim::store
