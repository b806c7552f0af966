#include "sim/store/store.hpp"

#include <cctype>

namespace nexsync::sim::store {

shop* store::find(std::string_view name) {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

shop* store::by_number(std::uint32_t number) {
  if (number == 0 || number > shops_.size()) return nullptr;
  return shops_[number - 1].get();
}

shop* store::create(const std::string& name) {
  if (by_name_.count(name)) return nullptr;
  auto s = std::make_unique<shop>();
  s->number = static_cast<std::uint32_t>(shops_.size() + 1);
  s->name = name;
  shop* raw = s.get();
  shops_.push_back(std::move(s));
  by_name_.emplace(name, raw);
  return raw;
}

bool valid_shop_name(std::string_view name) {
  if (name.empty() || name.size() > 60) return false;
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

}  // namespace nexsync::sim::store
